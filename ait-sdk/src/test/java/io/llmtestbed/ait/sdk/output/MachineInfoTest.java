package io.llmtestbed.ait.sdk.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineInfoTest {

    private static final String CPUINFO = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz
            cpu MHz\t\t: 2299.998
            
            processor\t: 1
            model name\t: Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz
            cpu MHz\t\t: 2299.998
            """;

    @Test
    void should_read_brand_clock_cores_and_memory_when_proc_files_present() {
        MachineInfo mi = MachineInfo.parse(CPUINFO, "MemTotal:        2033156 kB\nMemFree: 1 kB",
                "amd64", 8, 123);

        assertThat(mi).isEqualTo(new MachineInfo("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz",
                "X86_64", "2.3000 GHz", "2", "2081951744"));
    }

    @Test
    void should_fall_back_to_jvm_view_when_proc_files_absent() {
        MachineInfo mi = MachineInfo.parse("", "", "aarch64", 4, 8_000_000_000L);

        assertThat(mi).isEqualTo(new MachineInfo("unknown", "ARM_8", "unknown", "4",
                "8000000000"));
    }

    @Test
    void should_use_cpu_mhz_when_brand_has_no_clock() {
        MachineInfo mi = MachineInfo.parse("model name : AMD EPYC 7B13\ncpu MHz : 2450.000\n", "",
                "x86_64", 1, -1);

        assertThat(mi.cpuClocks()).isEqualTo("2.4500 GHz");
        assertThat(mi.memoryCapacity()).isEqualTo("0");
    }

    @Test
    void should_fill_every_field_when_detected_on_this_machine() {
        MachineInfo mi = MachineInfo.detect();

        assertThat(mi.cpuArch()).isNotBlank();
        assertThat(Integer.parseInt(mi.cpuCores())).isPositive();
        assertThat(Long.parseLong(mi.memoryCapacity())).isPositive();
    }
}
