package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * A downloadable file of a run. Every manifest has {@code Log} (the {@code ait.log}).
 *
 * @param name unique among downloads; the directory under {@code downloads/}
 * @param description for people
 */
public record Download(String name, String description) {

    /** Name of the download that carries {@code ait.log}. */
    public static final String LOG = "Log";

    /** The {@code Log} download, described as the Python SDK describes it. */
    public static Download log() {
        return new Download(LOG, "AIT実行ログ");
    }

    public Download {
        Objects.requireNonNull(name, "download name");
    }
}
