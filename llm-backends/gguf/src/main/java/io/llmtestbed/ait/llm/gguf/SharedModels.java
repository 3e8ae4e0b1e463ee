package io.llmtestbed.ait.llm.gguf;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models loaded by llama.cpp, one per (file, context size, threads, template mode), shared by
 * every {@link GgufClient} of this JVM and freed when the last client using it is closed.
 *
 * <p>Each model has one fair lock; {@link GgufClient} holds it for a whole generation, so calls
 * on one model run one after another (llama.cpp's single slot would queue them anyway, and a
 * seeded answer must not depend on what runs beside it).
 */
final class SharedModels {

    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);

    /** A loaded model, its lock and how many clients use it. */
    static final class Shared {
        final LlamaModel model;
        final ReentrantLock lock = new ReentrantLock(true);
        final Key key;
        private int users;

        private Shared(Key key, LlamaModel model) {
            this.key = key;
            this.model = model;
        }
    }

    record Key(Path file, int contextSize, int threads, boolean jinja) {
    }

    private static final Map<Key, Shared> MODELS = new HashMap<>();
    private static boolean nativeReady;

    private SharedModels() {
    }

    /** The loaded model for {@code key}, loading it on first use; the caller must release it. */
    static synchronized Shared acquire(Key key, GgufFile header) {
        Shared s = MODELS.get(key);
        if (s == null) {
            s = new Shared(key, load(key, header));
            MODELS.put(key, s);
        }
        s.users++;
        return s;
    }

    /** Gives a model back; the last user frees it. */
    static synchronized void release(Shared s) {
        if (--s.users > 0) {
            return;
        }
        MODELS.remove(s.key);
        s.lock.lock();
        try {
            s.model.close();
        } finally {
            s.lock.unlock();
        }
        LOG.debug("freed GGUF model {}", s.key.file());
    }

    /** Models loaded now (tests check sharing with it). */
    static synchronized int loadedCount() {
        return MODELS.size();
    }

    private static LlamaModel load(Key key, GgufFile header) {
        prepareNative();
        // LIMIT: CPU only: the natives in de.kherud:llama 4.2.0 are built without GPU support,
        // so no layer is offloaded; a large model generates slowly.
        ModelParameters p = new ModelParameters().setModel(key.file().toString())
                .setCtxSize(key.contextSize()).setThreads(key.threads())
                .setThreadsBatch(key.threads()).disableLog();
        if (key.jinja()) {
            p.enableJinja();
        }
        long start = System.nanoTime();
        try {
            LlamaModel m = new LlamaModel(p);
            // llama.cpp installs its own logger while loading; route it to SLF4J afterwards.
            LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> LOG.debug("llama.cpp {}: {}",
                    level, msg.strip()));
            LOG.info("loaded GGUF model {} ({}, {} tensors, context {}) in {} ms", key.file(),
                    header.architecture(), header.tensorCount(), key.contextSize(),
                    (System.nanoTime() - start) / 1_000_000);
            return m;
        } catch (RuntimeException e) {
            throw GgufFile.config("llama.cpp could not load GGUF model " + key.file()
                    + " (architecture '" + header.architecture() + "', GGUF v"
                    + header.version() + ", " + header.tensorCount() + " tensors): "
                    + e.getMessage() + ". The file is damaged, uses a tensor type or layout the"
                    + " bundled llama.cpp (b4916, de.kherud:llama 4.2.0) does not know, or does"
                    + " not fit in memory. Fix: check the file (sha256 against its source),"
                    + " convert it with a llama.cpp of that era, or use a smaller quantization",
                    e);
        } catch (LinkageError e) {
            // The binding's static initialiser fails with ExceptionInInitializerError first,
            // NoClassDefFoundError afterwards; both are LinkageErrors.
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw GgufFile.config("the llama.cpp native library of de.kherud:llama 4.2.0 could"
                    + " not be loaded on " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + ": " + root + ". It links libgomp.so.1"
                    + " and libstdc++.so.6 (the binding prints the missing one on stderr). Fix:"
                    + " install them (Debian/Ubuntu: apt-get install libgomp1 libstdc++6), or"
                    + " set -Dde.kherud.llama.lib.path to a directory holding a libjllama built"
                    + " for this machine", e);
        }
    }

    /**
     * The binding extracts its native library into java.io.tmpdir and, before that, deletes
     * every file there whose name starts with "llama" or "jllama"; a private directory keeps it
     * from touching other programs' files and from racing other JVMs.
     */
    private static void prepareNative() {
        if (nativeReady || System.getProperty("de.kherud.llama.tmpdir") != null) {
            nativeReady = true;
            return;
        }
        try {
            Path dir = Files.createTempDirectory("ait-llm-gguf-native-");
            dir.toFile().deleteOnExit();
            System.setProperty("de.kherud.llama.tmpdir", dir.toString());
            nativeReady = true;
        } catch (IOException e) {
            LOG.warn("cannot create a private directory for the llama.cpp native library ({});"
                    + " the binding extracts it into java.io.tmpdir instead", e.toString());
        }
    }
}
