package io.llmtestbed.ait.sdk.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The project's git commit, as recorded in {@code provenance.json}, and where it came from.
 *
 * <p>Looked up in this order; the first that gives a commit wins:
 * <ol>
 *   <li>environment variable {@value #ENV} (set it in the AIT's image or CI job, e.g.
 *       {@code LLM_TESTBED_GIT_COMMIT=$(git rev-parse HEAD)});</li>
 *   <li>classpath resource {@value #RESOURCE} with key {@code git.commit} (a packager may add
 *       it to the AIT jar; the SDK's build does not write it);</li>
 *   <li>{@code git rev-parse HEAD} in the working directory, when it lies inside a checkout;
 *       {@code -dirty} is appended when tracked files differ from that commit.</li>
 * </ol>
 * Otherwise the commit is null with source {@code "unknown"}.
 *
 * @param commit 40 hex digits, possibly with {@code -dirty}; null when unknown
 * @param source {@code "env LLM_TESTBED_GIT_COMMIT"}, {@code "classpath <resource>"},
 *     {@code "git rev-parse in <dir>"} or {@code "unknown"}
 */
public record GitCommit(String commit, String source) {

    /** Environment variable that names the commit. */
    public static final String ENV = "LLM_TESTBED_GIT_COMMIT";
    /** Classpath resource holding {@code git.commit=<sha>}. */
    public static final String RESOURCE = "META-INF/llm-testbed-git.properties";

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}(-dirty)?");
    private static final long GIT_TIMEOUT_SECONDS = 5;
    private static volatile GitCommit cached;

    // LIMIT: in an AIT image there is no checkout and no git: the commit is unknown unless the
    // image sets LLM_TESTBED_GIT_COMMIT or the jar carries the resource; "-dirty" looks at
    // tracked files only (untracked files are ignored).
    /** The commit of this process, looked up once per JVM. */
    public static GitCommit detect() {
        GitCommit c = cached;
        if (c == null) {
            c = lookUp(System.getenv(ENV), Path.of("").toAbsolutePath());
            cached = c;
        }
        return c;
    }

    /** The lookup with explicit inputs (tests). */
    static GitCommit lookUp(String env, Path workingDir) {
        if (env != null && !env.isBlank()) {
            return new GitCommit(env.strip(), "env " + ENV);
        }
        String fromJar = fromClasspath();
        if (fromJar != null) {
            return new GitCommit(fromJar, "classpath " + RESOURCE);
        }
        String fromGit = fromGit(workingDir);
        if (fromGit != null) {
            return new GitCommit(fromGit, "git rev-parse in " + workingDir);
        }
        return new GitCommit(null, "unknown");
    }

    private static String fromClasspath() {
        try (InputStream in = GitCommit.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("git.commit");
            return v == null || v.isBlank() ? null : v.strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static String fromGit(Path dir) {
        String head = git(dir, "rev-parse", "HEAD");
        if (head == null || !SHA.matcher(head).matches()) {
            return null;
        }
        String status = git(dir, "status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + "-dirty";
    }

    /** Output of a git command, stripped; null when git is missing, fails or hangs. */
    private static String git(Path dir, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
