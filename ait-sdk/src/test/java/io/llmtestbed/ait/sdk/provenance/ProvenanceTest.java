package io.llmtestbed.ait.sdk.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {

    @TempDir
    Path dir;

    @Test
    void should_keep_one_entry_per_run_when_many_threads_record_the_same_runs() throws Exception {
        Provenance p = new Provenance();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    p.mlflowRun("http://127.0.0.1:5055", "1", "run-" + (i % 10));
                    p.tableDigest("run-" + (i % 10), "d" + (i % 10));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(p.mlflowRuns()).hasSize(10);
        assertThat(p.tableDigests()).hasSize(10).containsEntry("run-3", "d3");
    }

    @Test
    void should_replace_cache_digest_when_same_dir_is_recorded_again() {
        Provenance p = new Provenance();

        p.cache(dir, "first");
        p.cache(dir, "second");

        assertThat(p.caches()).singleElement().extracting(Provenance.CacheUse::digest)
                .isEqualTo("second");
    }

    @Test
    void should_keep_null_generation_settings_when_llm_is_recorded() {
        Provenance p = new Provenance();
        Map<String, Object> settings = new HashMap<>();
        settings.put("temperature", 0.0);
        settings.put("seed", null);

        p.llm("openai http://127.0.0.1:1/v1 model m", settings);
        p.llm("openai http://127.0.0.1:1/v1 model m", settings);

        assertThat(p.llms()).singleElement().satisfies(l -> assertThat(l.generationSettings())
                .containsEntry("temperature", 0.0).containsEntry("seed", null));
    }

    @Test
    void should_name_the_argument_when_null_is_recorded() {
        assertThatThrownBy(() -> new Provenance().tableDigest(null, "x"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("Provenance: runId must not be null");
    }

    @Test
    void should_strip_credentials_from_tracking_uri_when_run_is_recorded() {
        Provenance p = new Provenance();

        p.mlflowRun("https://alice:s3cret@mlflow.example:443/base", "2", "r");

        assertThat(p.mlflowRuns().get(0).trackingUri()).isEqualTo("https://mlflow.example:443/base");
    }

    @Test
    void should_strip_whole_password_when_it_holds_an_unescaped_at_sign() {
        Provenance p = new Provenance();

        p.mlflowRun("http://alice:p@ss@mlflow.example:5000/base", "2", "r");
        p.mlflowRun("http://mlflow.example:5000/runs/a@b", "2", "s");

        assertThat(p.mlflowRuns().get(0).trackingUri()).as("no part of the password is kept")
                .isEqualTo("http://mlflow.example:5000/base");
        assertThat(p.mlflowRuns().get(1).trackingUri()).as("an @ in the path is not user info")
                .isEqualTo("http://mlflow.example:5000/runs/a@b");
    }

    @Test
    void should_cut_tag_values_to_5000_characters_when_identity_is_long() {
        Provenance p = new Provenance();
        assertThat(p.mlflowTags()).as("no tags before the SDK identified the run").isEmpty();

        p.identify(new Provenance.RunIdentity("a".repeat(6000), "0.1", null, "d", "t", "1/1"));

        assertThat(p.mlflowTags().get("testbed.provenance.ait")).hasSize(5000).endsWith("…");
        assertThat(p.mlflowTags()).containsEntry("testbed.provenance.git_commit", "unknown");
    }

    @Test
    void should_prefer_environment_over_git_when_commit_is_looked_up() {
        GitCommit fromEnv = GitCommit.lookUp(" abc123 ", dir);
        GitCommit outside = GitCommit.lookUp(null, dir);

        assertThat(fromEnv).isEqualTo(new GitCommit("abc123", "env LLM_TESTBED_GIT_COMMIT"));
        assertThat(outside).as("a temporary directory is no checkout")
                .isEqualTo(new GitCommit(null, "unknown"));
    }
}
