package io.llmtestbed.ait.sdk.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestsTest {

    @TempDir
    Path dir;

    @Test
    void should_give_sha256sum_of_bytes_when_path_is_a_file() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "abc", StandardCharsets.UTF_8);

        assertThat(Digests.sha256(f)).as("sha256sum of 'abc'")
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void should_give_same_digest_when_tree_is_copied_elsewhere() throws Exception {
        Path a = tree(dir.resolve("one"));
        Path b = tree(dir.resolve("elsewhere/two"));

        assertThat(Digests.sha256(a)).isEqualTo(Digests.sha256(b));
    }

    @Test
    void should_change_digest_when_one_byte_or_one_name_changes() throws Exception {
        Path a = tree(dir.resolve("one"));
        String before = Digests.sha256(a);

        Files.writeString(a.resolve("sub/b.json"), "{\"x\": 2}");
        String edited = Digests.sha256(a);
        Files.writeString(a.resolve("sub/b.json"), "{\"x\": 1}");
        Files.move(a.resolve("sub/b.json"), a.resolve("sub/c.json"));

        assertThat(edited).isNotEqualTo(before);
        assertThat(Digests.sha256(a)).as("a renamed file changes the tree digest")
                .isNotEqualTo(before);
    }

    @Test
    void should_name_path_when_file_cannot_be_read() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> Digests.sha256(missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot compute the sha256 digest of " + missing);
    }

    private static Path tree(Path root) throws Exception {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("run.json"), "{\"run\": 1}");
        Files.writeString(root.resolve("sub/b.json"), "{\"x\": 1}");
        return root;
    }
}
