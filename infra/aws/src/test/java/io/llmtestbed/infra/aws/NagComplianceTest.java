package io.llmtestbed.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NagComplianceTest {

    @Test
    void should_have_no_unsuppressed_findings_when_defaults() {
        Synth.Result r = Synth.defaults();
        assertThat(r.nagErrors()).as("AwsSolutions errors").isEmpty();
        assertThat(r.nagWarnings()).as("AwsSolutions warnings").isEmpty();
    }

    @Test
    void should_have_no_unsuppressed_findings_when_all_options_on() {
        Synth.Result r = Synth.allOn();
        assertThat(r.nagErrors()).as("AwsSolutions errors").isEmpty();
        assertThat(r.nagWarnings()).as("AwsSolutions warnings").isEmpty();
    }
}
