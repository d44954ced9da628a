package io.valuetier;

import io.valuetier.cli.CommandLine;
import io.valuetier.config.TieringConfig;
import io.valuetier.generate.SyntheticData;
import io.valuetier.io.Sessions;
import io.valuetier.jobs.BacktestJob;
import io.valuetier.jobs.TieringJob;
import io.valuetier.quality.ValidatedTransactions;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of spark-submit and jobs/local.sh: exit 0 on success, non-zero with a one-line cause. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses, runs and reports; returns the exit code (2 for usage errors, 1 for failures). */
  public static int run(String... args) {
    CommandLine.Parsed parsed = CommandLine.parse(args);
    if (parsed.options().isEmpty()) {
      parsed.errors().forEach(e -> System.err.println(CommandLine.PROGRAM + ": " + e));
      return parsed.exitCode();
    }
    CommandLine.Options options = parsed.options().get();
    SparkSession spark = null;
    try {
      TieringConfig config = TieringConfig.load(options.configFile());
      spark = Sessions.create(CommandLine.PROGRAM + " " + options.command.name().toLowerCase(java.util.Locale.ROOT), config);
      execute(spark, config, options);
      return 0;
    } catch (TieringException e) {
      System.err.println(CommandLine.PROGRAM + ": error: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      LOG.error("run failed", e);
      System.err.println(CommandLine.PROGRAM + ": failed: " + oneLine(e));
      return 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
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
      }
      case RUN -> {
        TieringJob.Result result = new TieringJob(spark, config, options.asOf)
            .run(options.input, options.warehouse, options.reuseModel);
        System.out.printf("snapshot %s written to %s: %d customers, %d rows read, %d rejected; tier summary:%n",
            options.asOf, options.warehouse, result.summary().customers(), result.summary().rowsRead(),
            result.summary().rowsRejected());
        if (!result.tierRows().isEmpty()) {
          spark.createDataFrame(result.tierRows(), result.tierRows().get(0).schema()).show(50, false);
        }
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

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage());
    int nl = message.indexOf('\n');
    return root.getClass().getSimpleName() + ": " + (nl < 0 ? message : message.substring(0, nl));
  }
}
