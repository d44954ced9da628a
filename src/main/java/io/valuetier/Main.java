package io.valuetier;

import io.valuetier.cli.CommandLine;
import io.valuetier.config.TieringConfig;
import io.valuetier.generate.SyntheticData;
import io.valuetier.io.Preflight;
import io.valuetier.io.Sessions;
import io.valuetier.jobs.BacktestJob;
import io.valuetier.jobs.TieringJob;
import io.valuetier.privacy.Publication;
import io.valuetier.quality.ValidatedTransactions;
import io.valuetier.summary.TierReport;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of spark-submit and jobs/local.sh: exit 0 on success; otherwise exactly one line
 * {@code value-tiering: error: ...} on stderr (exit 2 for a wrong command line, 1 for a failed run).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses, checks, runs and reports; returns the exit code. */
  public static int run(String... args) {
    CommandLine.Parsed parsed = CommandLine.parse(args);
    if (parsed.options().isEmpty()) {
      if (!parsed.errors().isEmpty()) {
        System.err.println(CommandLine.PROGRAM + ": error: " + String.join("; ", parsed.errors()) + " (see "
            + CommandLine.PROGRAM + helpCommand(args) + " --help)");
      }
      return parsed.exitCode();
    }
    CommandLine.Options options = parsed.options().get();
    SparkSession spark = null;
    try {
      TieringConfig config = TieringConfig.load(options.configFile());
      preflight(config, options);
      spark = Sessions.create(CommandLine.PROGRAM + " " + options.command.name().toLowerCase(java.util.Locale.ROOT), config);
      execute(spark, config, options);
      return 0;
    } catch (Exception | Error e) { // Spark throws its checked SparkException undeclared
      report(e, options.verbose);
      return 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  /**
   * Everything that can be checked without Spark, checked before the session starts: a wrong
   * path, a read-only or copied warehouse, a missing model or key fails in seconds, creating nothing.
   */
  static void preflight(TieringConfig config, CommandLine.Options options) {
    switch (options.command) {
      case RUN -> {
        new Publication(config.privacy()); // fails now if the pseudonym key is missing
        Preflight.inputs(config, options.input);
        if (options.reuseModel) {
          Preflight.savedModel(options.warehouse, options.asOf);
        }
        Preflight.warehouse(config, options.warehouse); // last: its write probe touches the folder
      }
      case VALIDATE -> {
        new Publication(config.privacy());
        Preflight.inputs(config, options.input);
      }
      case BACKTEST -> {
        Preflight.inputs(config, options.input);
        Preflight.warehouse(config, options.warehouse);
      }
      case GENERATE -> { }
    }
  }

  /** Runs one command in an existing session (tests call this with their shared session). */
  public static void execute(SparkSession spark, TieringConfig config, CommandLine.Options options) {
    switch (options.command) {
      case GENERATE -> {
        new SyntheticData(new SyntheticData.Spec(options.customers, options.seed, options.endDate, options.years,
            options.badRowShare)).write(spark, options.output);
        System.out.printf("generated %d customers of synthetic data in %s%n", options.customers, options.output);
      }
      case VALIDATE -> {
        ValidatedTransactions v = new TieringJob(spark, config, options.asOf).validate(options.input);
        System.out.printf("valid: %d rows read, %d accepted, %d rejected %s%n", v.rowsRead(), v.rowsAccepted(),
            v.rowsRejected(), v.rejectedByReason());
        v.schemaDrift().forEach((file, drift) -> System.out.printf("schema drift: %s: %s (read as null)%n", file, drift));
      }
      case RUN -> {
        TieringJob.Result result = new TieringJob(spark, config, options.asOf)
            .run(options.input, options.warehouse, options.reuseModel, options.refit);
        System.out.printf("snapshot %s written to %s: %d customers, %d rows read, %d rejected%n%n",
            options.asOf, options.warehouse, result.summary().customers(), result.summary().rowsRead(),
            result.summary().rowsRejected());
        System.out.print(TierReport.of(result.tierRows(), config.primaryMethod()));
      }
      case BACKTEST -> {
        BacktestJob.Result result = new BacktestJob(spark, config, options.calibrationEnd, options.holdoutEnd)
            .run(options.input, options.warehouse);
        System.out.printf("backtest of %s to %s against (%s, %s] written to %s (clv_backtest, snapshot %s): "
            + "%d customers%n", config.lifetimeValue().choice().model(), options.calibrationEnd, options.calibrationEnd,
            options.holdoutEnd, options.warehouse, options.calibrationEnd, result.customers());
        if (!result.rows().isEmpty()) {
          spark.createDataFrame(result.rows(), result.rows().get(0).schema())
              .drop("calibration_end", "holdout_end", "model_parameters", "snapshot_date").show(50, false);
        }
      }
    }
  }

  /** The one stderr line of a failure; the trace goes to the log file (and to stderr with --verbose). */
  private static void report(Throwable e, boolean verbose) {
    LOG.error("value-tiering failed", e);
    if (verbose) {
      e.printStackTrace();
    }
    // A failure of the job's own checks says all there is; anything else points at its trace.
    boolean explained = e instanceof TieringException && e.getCause() == null;
    String where = verbose || explained ? "" : logFile().map(f -> " (trace in " + f + ")").orElse("");
    System.err.println(CommandLine.PROGRAM + ": error: " + Failures.describe(e) + where);
  }

  /** The file the log configuration writes to, when it has one (conf/log4j2.properties does). */
  private static Optional<String> logFile() {
    try {
      if (org.apache.logging.log4j.LogManager.getContext(false)
          instanceof org.apache.logging.log4j.core.LoggerContext context) {
        return context.getConfiguration().getAppenders().values().stream()
            .filter(a -> a instanceof org.apache.logging.log4j.core.appender.FileAppender)
            .map(a -> ((org.apache.logging.log4j.core.appender.FileAppender) a).getFileName())
            .findFirst();
      }
    } catch (LinkageError e) { // another logging backend: no file to name
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** " run" when the arguments name a command, so the hint points at that command's help. */
  private static String helpCommand(String... args) {
    for (String a : args) {
      Optional<CommandLine.Command> c = CommandLine.command(a);
      if (c.isPresent()) {
        return " " + a;
      }
    }
    return "";
  }
}
