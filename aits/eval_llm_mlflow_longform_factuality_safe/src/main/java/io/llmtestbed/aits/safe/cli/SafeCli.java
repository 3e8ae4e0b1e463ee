package io.llmtestbed.aits.safe.cli;

import io.llmtestbed.ait.sdk.net.EgressDeniedException;
import io.llmtestbed.aits.safe.index.IndexException;
import io.llmtestbed.aits.safe.search.SearchException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command line of the SAFE AIT jar, outside the AIT contract:
 * {@code java -cp <ait jar>:lib/* io.llmtestbed.aits.safe.cli.SafeCli index|batch ...}.
 *
 * <p>Exit codes: 0 done; 1 bad input or settings (the message says which and how to fix it);
 * 2 usage error; 3 {@code batch} finished but some rows could not be evaluated (each such row
 * has an {@code error} in the output); 4 an outbound call was refused by the egress allow-list.
 */
@Command(name = "safe-cli", mixinStandardHelpOptions = true,
    description = "SAFE long-form factuality: build a local search index, score a batch.",
    subcommands = {IndexCommand.class, BatchCommand.class})
public final class SafeCli implements Runnable {

  /** Exit code: bad input or settings. */
  public static final int EXIT_INPUT = 1;
  /** Exit code: some batch rows failed. */
  public static final int EXIT_ROWS_FAILED = 3;
  /** Exit code: egress refused. */
  public static final int EXIT_EGRESS_DENIED = 4;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a sub-command: index or batch");
  }

  /** Logback configuration of the command line: logs on stderr, stdout for results. */
  static final String LOGBACK_CONFIG = "io/llmtestbed/aits/safe/cli/logback-cli.xml";

  public static void main(String[] args) {
    // Before the first logger exists; an operator's own -Dlogback.configurationFile wins.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs the command line without exiting the JVM; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new SafeCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("error: " + e.getMessage());
      commandLine.getErr().flush();
      if (e instanceof EgressDeniedException) {
        return EXIT_EGRESS_DENIED;
      }
      if (e instanceof IndexException || e instanceof SearchException
          || e instanceof IllegalArgumentException || e instanceof InputException) {
        return EXIT_INPUT;
      }
      throw e;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** A bad input file or option value; the message names it and the fix. */
  static final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
      super(message);
    }

    InputException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
