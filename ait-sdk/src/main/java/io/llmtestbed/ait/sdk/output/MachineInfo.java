package io.llmtestbed.ait.sdk.output;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ExecuteInfo.MachineInfo} of {@code ait.output.json}. The platform reads all five keys
 * with direct access, so every field always has a value (a fallback when unknown).
 *
 * @param cpuBrand e.g. {@code "Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz"}, or {@code "unknown"}
 * @param cpuArch as py-cpuinfo names it: {@code "X86_64"}, {@code "ARM_8"} …
 * @param cpuClocks e.g. {@code "2.3000 GHz"}, or {@code "unknown"}
 * @param cpuCores logical processors, e.g. {@code "2"}
 * @param memoryCapacity total memory in bytes, e.g. {@code "2081951744"}, or {@code "0"}
 */
public record MachineInfo(String cpuBrand, String cpuArch, String cpuClocks, String cpuCores,
        String memoryCapacity) {

    static final String UNKNOWN = "unknown";
    private static final Pattern ADVERTISED = Pattern.compile("@\\s*([0-9.]+)\\s*([GM])Hz");

    /** Reads {@code /proc/cpuinfo} and {@code /proc/meminfo}, falling back to the JVM's view. */
    public static MachineInfo detect() {
        return parse(readOrEmpty(Path.of("/proc/cpuinfo")), readOrEmpty(Path.of("/proc/meminfo")),
                System.getProperty("os.arch", ""), Runtime.getRuntime().availableProcessors(),
                jvmTotalMemory());
    }

    /**
     * Builds the info from the text of {@code /proc/cpuinfo} and {@code /proc/meminfo} (either
     * may be empty), the JVM's {@code os.arch}, its processor count and total memory (for
     * fallbacks; {@code <= 0} when unknown).
     */
    public static MachineInfo parse(String cpuinfo, String meminfo, String osArch,
            int processors, long fallbackMemoryBytes) {
        String brand = field(cpuinfo, "model name");
        if (brand == null) {
            brand = field(cpuinfo, "Model");
        }
        String clocks = UNKNOWN;
        Matcher m = brand == null ? null : ADVERTISED.matcher(brand);
        if (m != null && m.find()) {
            double ghz = Double.parseDouble(m.group(1)) / ("M".equals(m.group(2)) ? 1000 : 1);
            clocks = String.format(Locale.ROOT, "%.4f GHz", ghz);
        } else {
            String mhz = field(cpuinfo, "cpu MHz");
            if (mhz != null) {
                try {
                    clocks = String.format(Locale.ROOT, "%.4f GHz", Double.parseDouble(mhz) / 1000);
                } catch (NumberFormatException e) {
                    clocks = UNKNOWN;
                }
            }
        }
        // LIMIT: counts the host's processors as py-cpuinfo does, not a container's CPU quota.
        long procLines = cpuinfo.lines().filter(l -> l.startsWith("processor")).count();
        String cores = String.valueOf(procLines > 0 ? procLines : Math.max(1, processors));
        String memory = memTotal(meminfo);
        if (memory == null) {
            memory = fallbackMemoryBytes > 0 ? String.valueOf(fallbackMemoryBytes) : "0";
        }
        return new MachineInfo(brand == null ? UNKNOWN : brand, arch(osArch), clocks, cores,
                memory);
    }

    private static String arch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64": case "x86_64":
                return "X86_64";
            case "x86": case "i386": case "i486": case "i586": case "i686":
                return "X86_32";
            case "aarch64": case "arm64":
                return "ARM_8";
            case "arm": case "armv7l":
                return "ARM_7";
            case "":
                return UNKNOWN;
            default:
                return osArch.toUpperCase(Locale.ROOT);
        }
    }

    private static String memTotal(String meminfo) {
        String v = field(meminfo, "MemTotal");
        if (v == null) {
            return null;
        }
        String[] parts = v.trim().split("\\s+");
        try {
            long n = Long.parseLong(parts[0]);
            return String.valueOf(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? n * 1024
                    : n);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String field(String text, String key) {
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                String v = line.substring(colon + 1).trim();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long jvmTotalMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // no management bean: fall through
        }
        return -1;
    }
}
