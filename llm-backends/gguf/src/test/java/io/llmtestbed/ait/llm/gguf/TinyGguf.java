package io.llmtestbed.ait.llm.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Writes a tiny, valid llama-architecture GGUF v3 model with seeded random weights, for tests
 * that must run the real llama.cpp code (loading, tokenizing, sampling) without any downloaded
 * weights. It is not a trained model: its text is gibberish made of a small English word list.
 *
 * <p>Shape: 2 layers, 64-wide embeddings, 4 heads, feed-forward 128, context 256, F32 tensors,
 * about 0.5 MB. Vocabulary (SentencePiece, {@code tokenizer.ggml.model = llama}): {@code <unk>},
 * {@code <s>}, {@code </s>}, the 256 byte tokens, the letters and {@link #WORDS} (each with a
 * leading {@code ▁}). Only word tokens get non-zero output weights, so generated text is words
 * separated by spaces, e.g. {@code " blue over sun new ran"}; end-of-sequence is never likely,
 * so a generation runs to its token limit unless a stop string ends it. The answer depends on
 * the whole prompt: a small change of the prompt (a space, a case, full-width digits) changes
 * the greedy answer often but not always, e.g. {@code "What is 2+2?"} and
 * {@code "what is 2+2?"} share their first words and differ later.
 *
 * <p>The same settings always give the same bytes. By default the model carries a ChatML chat
 * template; {@link Builder#chatTemplate(String) chatTemplate(null)} writes one without.
 *
 * <p>Usage: {@code Path model = TinyGguf.create(tempDir);} or
 * {@code TinyGguf.builder().chatTemplate(null).fileName("plain.gguf").write(tempDir)}.
 */
public final class TinyGguf {

    /** The words of the vocabulary, in token order after the letters. */
    public static final List<String> WORDS = List.of("the", "a", "cat", "dog", "sat", "ran",
            "on", "in", "mat", "hat", "red", "blue", "big", "small", "river", "tree", "stone",
            "cold", "warm", "light", "dark", "and", "or", "not", "yes", "no", "one", "two",
            "three", "sun", "moon", "star", "bird", "fish", "road", "house", "door", "wind",
            "rain", "snow", "green", "fast", "slow", "old", "new", "up", "down", "over");

    /** ChatML template; llama.cpp recognises it by its {@code <|im_start|>} marker. */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'"
            + " + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final int N_EMBD = 64;
    private static final int N_LAYER = 2;
    private static final int N_HEAD = 4;
    private static final int N_FF = 128;
    private static final int N_CTX = 256;
    private static final int ALIGNMENT = 32;

    private static final int TYPE_UINT32 = 4;
    private static final int TYPE_INT32 = 5;
    private static final int TYPE_FLOAT32 = 6;
    private static final int TYPE_STRING = 8;
    private static final int TYPE_ARRAY = 9;
    private static final int GGML_TYPE_F32 = 0;

    private TinyGguf() {
    }

    /** Writes the default tiny model to {@code dir/tiny-llama.gguf} and returns its path. */
    public static Path create(Path dir) {
        return builder().write(dir);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a tiny model; each has a default that {@link TinyGguf#create} uses. */
    public static final class Builder {

        private String fileName = "tiny-llama.gguf";
        private String architecture = "llama";
        private String chatTemplate = CHATML_TEMPLATE;
        private long seed = 20261203L;

        private Builder() {
        }

        /** File name inside the directory given to {@link #write}; default tiny-llama.gguf. */
        public Builder fileName(String fileName) {
            this.fileName = Objects.requireNonNull(fileName, "fileName");
            return this;
        }

        /**
         * The {@code general.architecture} written (default {@code llama}); the tensors stay
         * llama's, so any other name makes a file llama.cpp must refuse (for error tests).
         */
        public Builder architecture(String architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            return this;
        }

        /** The {@code tokenizer.chat_template}; null writes a model without one. */
        public Builder chatTemplate(String chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        /** Seed of the random weights (default 20261203). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Writes the model (atomically: a temporary file is moved into place) and returns its
         * path. An existing file of that name is replaced.
         */
        public Path write(Path dir) {
            try {
                Files.createDirectories(dir);
                Path target = dir.resolve(fileName);
                Path tmp = Files.createTempFile(dir, fileName, ".part");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp),
                        1 << 16)) {
                    new Writer(this).writeTo(out);
                }
                return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the tiny GGUF model into " + dir
                        + ": " + e, e);
            }
        }
    }

    /** Number of tokens in the vocabulary. */
    public static int vocabularySize() {
        return vocabulary().size();
    }

    private static List<String> vocabulary() {
        List<String> v = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            v.add(String.format("<0x%02X>", b));
        }
        v.add("\u2581");
        for (char c = 'a'; c <= 'z'; c++) {
            v.add(String.valueOf(c));
        }
        for (String w : WORDS) {
            v.add("\u2581" + w);
        }
        return v;
    }

    private static int firstWordToken() {
        return 3 + 256 + 1 + 26;
    }

    private record Tensor(String name, long[] dims, float[] data) {
    }

    private static final class Writer {

        private final Builder b;
        private final Random random;
        private final List<String> vocab = vocabulary();

        Writer(Builder b) {
            this.b = b;
            this.random = new Random(b.seed);
        }

        void writeTo(OutputStream out) throws IOException {
            List<Tensor> tensors = tensors();
            Map<String, Object[]> kv = metadata();
            Bytes head = new Bytes();
            head.raw("GGUF".getBytes(StandardCharsets.US_ASCII));
            head.i32(3);
            head.i64(tensors.size());
            head.i64(kv.size());
            for (Map.Entry<String, Object[]> e : kv.entrySet()) {
                head.str(e.getKey());
                writeValue(head, e.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                head.str(t.name());
                head.i32(t.dims().length);
                for (long d : t.dims()) {
                    head.i64(d);
                }
                head.i32(GGML_TYPE_F32);
                head.i64(offset);
                offset = align(offset + 4L * t.data().length);
            }
            head.pad(ALIGNMENT);
            out.write(head.toArray());
            for (Tensor t : tensors) {
                ByteBuffer buf = ByteBuffer.allocate((int) align(4L * t.data().length))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (float f : t.data()) {
                    buf.putFloat(f);
                }
                out.write(buf.array());
            }
        }

        private Map<String, Object[]> metadata() {
            Map<String, Object[]> kv = new LinkedHashMap<>();
            String a = b.architecture;
            kv.put("general.architecture", new Object[] {TYPE_STRING, a});
            kv.put("general.name", new Object[] {TYPE_STRING, "tiny-random-llama"});
            kv.put("general.alignment", new Object[] {TYPE_UINT32, ALIGNMENT});
            kv.put(a + ".context_length", new Object[] {TYPE_UINT32, N_CTX});
            kv.put(a + ".embedding_length", new Object[] {TYPE_UINT32, N_EMBD});
            kv.put(a + ".block_count", new Object[] {TYPE_UINT32, N_LAYER});
            kv.put(a + ".feed_forward_length", new Object[] {TYPE_UINT32, N_FF});
            kv.put(a + ".attention.head_count", new Object[] {TYPE_UINT32, N_HEAD});
            kv.put(a + ".attention.head_count_kv", new Object[] {TYPE_UINT32, N_HEAD});
            kv.put(a + ".rope.dimension_count", new Object[] {TYPE_UINT32, N_EMBD / N_HEAD});
            kv.put(a + ".attention.layer_norm_rms_epsilon", new Object[] {TYPE_FLOAT32, 1e-5f});
            kv.put("tokenizer.ggml.model", new Object[] {TYPE_STRING, "llama"});
            kv.put("tokenizer.ggml.tokens", new Object[] {TYPE_ARRAY, TYPE_STRING, vocab});
            List<Object> scores = new ArrayList<>();
            List<Object> types = new ArrayList<>();
            for (int i = 0; i < vocab.size(); i++) {
                scores.add(i < firstWordToken() ? 0f : (float) -(i - firstWordToken()));
                types.add(i == 0 ? 2 : i < 3 ? 3 : i < 3 + 256 ? 6 : 1);
            }
            kv.put("tokenizer.ggml.scores", new Object[] {TYPE_ARRAY, TYPE_FLOAT32, scores});
            kv.put("tokenizer.ggml.token_type", new Object[] {TYPE_ARRAY, TYPE_INT32, types});
            kv.put("tokenizer.ggml.unknown_token_id", new Object[] {TYPE_UINT32, 0});
            kv.put("tokenizer.ggml.bos_token_id", new Object[] {TYPE_UINT32, 1});
            kv.put("tokenizer.ggml.eos_token_id", new Object[] {TYPE_UINT32, 2});
            if (b.chatTemplate != null) {
                kv.put("tokenizer.chat_template", new Object[] {TYPE_STRING, b.chatTemplate});
            }
            return kv;
        }

        private List<Tensor> tensors() {
            int nVocab = vocab.size();
            List<Tensor> t = new ArrayList<>();
            t.add(new Tensor("token_embd.weight", new long[] {N_EMBD, nVocab},
                    gaussian(N_EMBD * nVocab, 1.0f)));
            for (int l = 0; l < N_LAYER; l++) {
                String p = "blk." + l + ".";
                t.add(new Tensor(p + "attn_norm.weight", new long[] {N_EMBD}, ones(N_EMBD)));
                // Attention strong enough that the whole prompt, not only its last token,
                // shapes the answer (at 0.1 every prompt gave the same text).
                for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                    t.add(new Tensor(p + m + ".weight", new long[] {N_EMBD, N_EMBD},
                            gaussian(N_EMBD * N_EMBD, 0.3f)));
                }
                t.add(new Tensor(p + "ffn_norm.weight", new long[] {N_EMBD}, ones(N_EMBD)));
                t.add(new Tensor(p + "ffn_gate.weight", new long[] {N_EMBD, N_FF},
                        gaussian(N_EMBD * N_FF, 0.1f)));
                t.add(new Tensor(p + "ffn_up.weight", new long[] {N_EMBD, N_FF},
                        gaussian(N_EMBD * N_FF, 0.1f)));
                t.add(new Tensor(p + "ffn_down.weight", new long[] {N_FF, N_EMBD},
                        gaussian(N_FF * N_EMBD, 0.1f)));
            }
            t.add(new Tensor("output_norm.weight", new long[] {N_EMBD}, ones(N_EMBD)));
            // Only word rows are non-zero: every other token scores 0, below the best word.
            float[] out = new float[N_EMBD * nVocab];
            for (int tok = firstWordToken(); tok < nVocab; tok++) {
                for (int i = 0; i < N_EMBD; i++) {
                    out[tok * N_EMBD + i] = (float) (random.nextGaussian() * 0.2);
                }
            }
            t.add(new Tensor("output.weight", new long[] {N_EMBD, nVocab}, out));
            return t;
        }

        private float[] gaussian(int n, float std) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) (random.nextGaussian() * std);
            }
            return f;
        }

        private static float[] ones(int n) {
            float[] f = new float[n];
            java.util.Arrays.fill(f, 1f);
            return f;
        }

        @SuppressWarnings("unchecked")
        private static void writeValue(Bytes out, Object[] typed) {
            int type = (Integer) typed[0];
            out.i32(type);
            if (type == TYPE_ARRAY) {
                int elementType = (Integer) typed[1];
                List<Object> items = (List<Object>) typed[2];
                out.i32(elementType);
                out.i64(items.size());
                for (Object item : items) {
                    writeScalar(out, elementType, item);
                }
            } else {
                writeScalar(out, type, typed[1]);
            }
        }

        private static void writeScalar(Bytes out, int type, Object value) {
            switch (type) {
                case TYPE_UINT32, TYPE_INT32 -> out.i32((Integer) value);
                case TYPE_FLOAT32 -> out.i32(Float.floatToIntBits((Float) value));
                case TYPE_STRING -> out.str((String) value);
                default -> throw new IllegalArgumentException("type " + type);
            }
        }

        private static long align(long n) {
            return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        }
    }

    /** A growable little-endian byte buffer. */
    private static final class Bytes {

        private byte[] buf = new byte[1 << 14];
        private int size;

        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void i32(int v) {
            raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        void i64(long v) {
            raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            raw(b);
        }

        void pad(int alignment) {
            int n = (alignment - size % alignment) % alignment;
            raw(new byte[n]);
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(buf, size);
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }
}
