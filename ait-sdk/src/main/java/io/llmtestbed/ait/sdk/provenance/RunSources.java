package io.llmtestbed.ait.sdk.provenance;

import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.MlflowRunSource;
import io.llmtestbed.ait.sdk.mlflow.TableFileRunSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Provenance of MLflow runs: records the run a source reads and opens its tables so that their
 * sha256 is recorded as a side effect of reading them, without a second download.
 */
public final class RunSources {

    private RunSources() {
    }

    /**
     * Records the run of {@code source}: the tracking URI (null for an exported directory or a
     * table file), the experiment id and the run id (a bare table file's run id is its file
     * name without {@code .json}).
     */
    public static void record(Provenance provenance, MlflowRunSource source) {
        String uri = source.trackingServer().map(s -> s.uri().toString()).orElse(null);
        provenance.mlflowRun(uri, source.run().experimentId(), source.run().runId());
    }

    /**
     * Opens {@code artifactPath} of the run as an {@link EvalTable} whose bytes are digested as
     * they are read; when the table is closed, the rest of the stream is read and the sha256
     * of the whole artifact is recorded with {@link Provenance#tableDigest} under the run id
     * (and under {@code runId:artifactPath} for an artifact other than
     * {@code eval_results_table.json}). A table not read to its end is still digested whole.
     */
    public static EvalTable openDigested(Provenance provenance, MlflowRunSource source,
            String artifactPath) {
        record(provenance, source);
        String key = EvalTable.DEFAULT_ARTIFACT.equals(artifactPath) ? source.run().runId()
                : source.run().runId() + ":" + artifactPath;
        // the opener may be called twice (data before columns): the last stream is the one read
        // to its end, and each call starts a fresh digest
        // named as the source's own evalTable names it, so that messages do not change
        String name = source instanceof TableFileRunSource file
                && EvalTable.DEFAULT_ARTIFACT.equals(artifactPath) ? file.file().toString()
                : artifactPath + " of " + source.describe();
        return EvalTable.open(name,
                () -> new DigestingStream(source.openArtifact(artifactPath), provenance, key));
    }

    /** {@link #openDigested(Provenance, MlflowRunSource, String)} of the default table. */
    public static EvalTable openDigested(Provenance provenance, MlflowRunSource source) {
        return openDigested(provenance, source, EvalTable.DEFAULT_ARTIFACT);
    }

    /** Digests what passes through; on close, drains the rest and records the digest. */
    private static final class DigestingStream extends FilterInputStream {

        private final MessageDigest md;
        private final Provenance provenance;
        private final String key;
        private boolean closed;

        DigestingStream(InputStream in, Provenance provenance, String key) {
            super(in);
            this.provenance = provenance;
            this.key = key;
            try {
                this.md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                md.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipped bytes must be digested too
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                byte[] buf = new byte[64 * 1024];
                while (read(buf, 0, buf.length) >= 0) {
                    // drain: the digest covers the whole artifact
                }
                provenance.tableDigest(key, HexFormat.of().formatHex(md.digest()));
            } finally {
                super.close();
            }
        }
    }
}
