package io.llmtestbed.ait.sdk.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Copies every SLF4J record of the process into {@code ait.log} while a run lasts, by adding a
 * Logback file appender to the root logger (the configured console output stays as it is).
 */
final class LogCapture implements AutoCloseable {

    private static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXX} %-5level [%thread] %logger - %msg%n";

    private final Path file;
    private final FileAppender<ILoggingEvent> appender;
    private final ch.qos.logback.classic.Logger root;

    /**
     * Logger whose records go to {@code ait.log} only (not the console): the stack trace of a
     * failure, so that a person at the console sees the one-line error without it.
     */
    static final String FILE_ONLY_LOGGER = "io.llmtestbed.ait.sdk.runtime.AitMain.trace";

    private LogCapture(Path file, FileAppender<ILoggingEvent> appender,
            ch.qos.logback.classic.Logger root) {
        this.file = file;
        this.appender = appender;
        this.root = root;
    }

    /** Starts writing to {@code file} (appending; parent directories created). */
    // LIMIT: only SLF4J records are captured; text printed with System.out/err (or by native
    // code) goes to the console only, not to ait.log.
    static LogCapture start(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext ctx)) {
            // LIMIT: ait.log is captured only when SLF4J is bound to Logback; otherwise the log
            // holds this note and the error summary that AitMain appends.
            Files.writeString(file, "SLF4J is bound to " + factory.getClass().getName()
                    + ", not Logback: records of the AIT are not captured here\n",
                    StandardCharsets.UTF_8);
            return new LogCapture(file, null, null);
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("ait.log@" + System.identityHashCode(encoder));
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setImmediateFlush(true);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        ch.qos.logback.classic.Logger fileOnly = ctx.getLogger(FILE_ONLY_LOGGER);
        fileOnly.setAdditive(false);
        fileOnly.addAppender(appender);
        applyDefaultLevels(ctx);
        return new LogCapture(file, appender, root);
    }

    /**
     * Without a Logback configuration file, Logback logs everything at DEBUG, and mlflow-client
     * then writes every response body into ait.log (prompts and answers included). Unless the
     * author configured Logback, the root is set to INFO, and mlflow-client's HTTP caller to
     * ERROR: it retries every failed call and reports each retry as "Rate limit exceeded",
     * which misleads; the SDK reports the real failure itself.
     */
    private static void applyDefaultLevels(LoggerContext ctx) {
        boolean configured = System.getProperty("logback.configurationFile") != null
                || Thread.currentThread().getContextClassLoader().getResource("logback.xml") != null
                || Thread.currentThread().getContextClassLoader()
                        .getResource("logback-test.xml") != null;
        if (configured) {
            return;
        }
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        ctx.getLogger("org.mlflow.tracking.MlflowHttpCaller").setLevel(Level.ERROR);
    }

    /** Whether records are captured (SLF4J bound to Logback). */
    boolean capturing() {
        return appender != null;
    }

    /** The log file. */
    Path file() {
        return file;
    }

    @Override
    public void close() {
        if (appender != null) {
            root.detachAppender(appender);
            root.getLoggerContext().getLogger(FILE_ONLY_LOGGER).detachAppender(appender);
            appender.stop();
        }
    }
}
