package io.llmtestbed.ait.sdk.manifest;

import java.util.Objects;

/**
 * A bibliographic reference for the method.
 *
 * @param bibInfo citation, required
 * @param additionalInfo free text, or null
 * @param url link, or null
 */
public record Reference(String bibInfo, String additionalInfo, String url) {
    public Reference {
        Objects.requireNonNull(bibInfo, "reference bib_info");
    }
}
