package io.llmtestbed.ait.llm.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbed.ait.sdk.llm.LlmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path dir;

    @Test
    void should_read_architecture_vocabulary_and_template_when_file_is_tiny_model() {
        GgufFile h = GgufFile.read(TinyGguf.create(dir));

        assertThat(h.version()).isEqualTo(3);
        assertThat(h.architecture()).isEqualTo("llama");
        assertThat(h.name()).isEqualTo("tiny-random-llama");
        assertThat(h.contextLength()).isEqualTo(256);
        assertThat(h.vocabularySize()).isEqualTo(TinyGguf.vocabularySize());
        assertThat(h.tensorCount()).isEqualTo(2 + 9 * 2 + 1);
        assertThat(h.chatTemplate()).contains(TinyGguf.CHATML_TEMPLATE);
    }

    @Test
    void should_report_no_template_when_model_has_none() {
        Path p = TinyGguf.builder().chatTemplate(null).fileName("plain.gguf").write(dir);

        assertThat(GgufFile.read(p).chatTemplate()).isEmpty();
    }

    @Test
    void should_write_identical_bytes_when_settings_repeat() throws Exception {
        Path a = TinyGguf.builder().fileName("a.gguf").write(dir);
        Path b = TinyGguf.builder().fileName("b.gguf").write(dir);
        Path c = TinyGguf.builder().fileName("c.gguf").seed(7).write(dir);

        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    }

    @Test
    void should_name_path_and_fix_when_file_is_missing() {
        Path missing = dir.resolve("nope.gguf");

        assertThatThrownBy(() -> GgufFile.read(missing))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.CONFIGURATION))
                .hasMessageContaining(missing.toAbsolutePath().toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("model_path");
    }

    @Test
    void should_name_path_and_magic_when_file_is_not_gguf() throws Exception {
        Path text = Files.writeString(dir.resolve("model.gguf"), "{\"not\": \"a model\"}",
                StandardCharsets.UTF_8);

        assertThatThrownBy(() -> GgufFile.read(text))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.CONFIGURATION))
                .hasMessageContaining(text.toAbsolutePath().toString())
                .hasMessageContaining("is not a GGUF file: it starts with '{\"no'")
                .hasMessageContaining("convert_hf_to_gguf.py");
    }

    @Test
    void should_say_truncated_when_header_is_cut() throws Exception {
        byte[] all = Files.readAllBytes(TinyGguf.create(dir));
        Path cut = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(all, 200));

        assertThatThrownBy(() -> GgufFile.read(cut))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining(cut.toAbsolutePath().toString())
                .hasMessageContaining("ends inside its header");
    }

    @Test
    void should_say_directory_when_path_is_a_directory() {
        assertThatThrownBy(() -> GgufFile.read(dir))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("is not a readable regular file")
                .hasMessageContaining("not at a directory");
    }
}
