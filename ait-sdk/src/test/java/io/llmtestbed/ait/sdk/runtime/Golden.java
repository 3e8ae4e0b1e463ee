package io.llmtestbed.ait.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Golden files for {@code ait.output.json}: timestamps, MachineInfo values, the temporary root
 * and source line numbers are checked for form, then replaced by placeholders. Run with
 * {@code -Dgolden.update=true} to rewrite the files after a deliberate change.
 */
final class Golden {

    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final Pattern TIME = Pattern.compile(
            "\"(StartDateTime|EndDateTime)\": \"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{4}\"");
    private static final Pattern MACHINE = Pattern.compile(
            "\"(cpu_brand|cpu_arch|cpu_clocks|cpu_cores|memory_capacity)\": \"([^\"]+)\"");
    private static final Pattern LINE = Pattern.compile("\\((\\w+)\\.java:\\d+\\)");

    private Golden() {
    }

    static String normalise(String json, Path root) {
        Matcher t = TIME.matcher(json);
        int times = 0;
        while (t.find()) {
            times++;
        }
        assertThat(times).as("StartDateTime and EndDateTime in %%Y-%%m-%%dT%%H:%%M:%%S%%z")
                .isEqualTo(2);
        Matcher m = MACHINE.matcher(json);
        int machine = 0;
        while (m.find()) {
            machine++;
        }
        assertThat(machine).as("all five MachineInfo keys non-empty").isEqualTo(5);
        String s = json.replace(root.toString(), "{root}");
        s = TIME.matcher(s).replaceAll("\"$1\": \"<time>\"");
        s = MACHINE.matcher(s).replaceAll("\"$1\": \"<machine>\"");
        return LINE.matcher(s).replaceAll("($1.java:<line>)");
    }

    static void assertMatches(String name, Path outputFile, Path root) throws IOException {
        String actual = normalise(Files.readString(outputFile, StandardCharsets.UTF_8), root);
        Path golden = DIR.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(DIR);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file; create it with -Dgolden.update=true").exists();
        assertThat(actual).as("normalised %s against %s", outputFile, golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
