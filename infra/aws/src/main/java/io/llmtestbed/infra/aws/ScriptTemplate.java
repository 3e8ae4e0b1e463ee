package io.llmtestbed.infra.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shell script kept as a resource next to this class, with {@code @NAME@} placeholders.
 * Values may be CDK tokens (they become CloudFormation references in the user data).
 */
final class ScriptTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z][A-Z0-9_]*)@");

    private ScriptTemplate() {
    }

    /**
     * Loads {@code resource} and replaces every placeholder.
     *
     * @throws IllegalStateException when the script names a placeholder {@code values} lacks, or
     *     {@code values} has a key the script does not use (a typo on either side)
     */
    static String render(String resource, Map<String, String> values) {
        String text = load(resource);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        java.util.Set<String> used = new java.util.HashSet<>();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("Script " + resource + " uses placeholder @"
                        + m.group(1) + "@ but no value was given; add it to the values map");
            }
            used.add(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        for (String key : values.keySet()) {
            if (!used.contains(key)) {
                throw new IllegalStateException("Value " + key + " was given for script "
                        + resource + " but the script has no @" + key + "@ placeholder");
            }
        }
        return out.toString();
    }

    /** Like {@link #render} without the first line when it is a shebang (UserData adds one). */
    static String renderBody(String resource, Map<String, String> values) {
        String text = render(resource, values);
        return text.startsWith("#!") ? text.substring(text.indexOf('\n') + 1) : text;
    }

    /** The raw text of a resource next to this class. */
    static String load(String resource) {
        try (InputStream in = ScriptTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + resource + " is missing next to "
                        + ScriptTemplate.class.getName() + "; the build must copy src/main/resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read resource " + resource, e);
        }
    }
}
