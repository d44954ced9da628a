package io.valuetier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.Main;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  @Test
  void runOptionsAreParsed() {
    CommandLine.Options o = CommandLine.parse("run", "--as-of", "2026-11-21", "--input", "in", "--warehouse", "wh",
        "--reuse-model").options().orElseThrow();
    assertEquals(CommandLine.Command.RUN, o.command);
    assertEquals(LocalDate.of(2026, 11, 21), o.asOf);
    assertEquals("in", o.input);
    assertEquals("wh", o.warehouse);
    assertTrue(o.reuseModel);
  }

  @Test
  void refitIsAFlagOfRun() {
    CommandLine.Options o = CommandLine.parse("run", "--as-of", "2026-11-21", "--input", "in", "--warehouse", "wh",
        "--refit").options().orElseThrow();
    assertTrue(o.refit);
    assertTrue(!o.reuseModel);
  }

  @Test
  void generateHasDefaults() {
    CommandLine.Options o = CommandLine.parse("generate", "--customers", "500", "--output", "out").options().orElseThrow();
    assertEquals(500, o.customers);
    assertEquals(42, o.seed);
    assertEquals("out", o.output);
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    CommandLine.Parsed p = CommandLine.parse("run", "--input", "in", "--warehouse", "wh");
    assertEquals(2, p.exitCode());
    assertTrue(p.errors().toString().contains("--as-of"), p.errors().toString());
    assertEquals(2, Main.run("run", "--input", "in", "--warehouse", "wh"));
  }

  @Test
  void badDateAndUnknownCommandAreUsageErrors() {
    CommandLine.Parsed p = CommandLine.parse("run", "--as-of", "2026-13-01", "--input", "in", "--warehouse", "wh");
    assertEquals(2, p.exitCode());
    assertTrue(p.errors().toString().contains("2026-13-01"), p.errors().toString());
    assertEquals(2, CommandLine.parse("frobnicate").exitCode());
    assertEquals(2, CommandLine.parse().exitCode());
  }

  @Test
  void helpExitsZeroForEachCommand() {
    assertEquals(0, Main.run("--help"));
    assertEquals(0, Main.run("run", "--help"));
    assertEquals(0, Main.run("generate", "--help"));
    assertTrue(CommandLine.usage().contains("--as-of"));
  }

  @Test
  void eachCommandsHelpShowsOnlyThatCommand() {
    String run = CommandLine.helpRequested("run", "--help").orElseThrow();
    assertTrue(run.contains("--reuse-model") && run.contains("--warehouse"), run);
    assertTrue(!run.contains("--customers") && !run.contains("Command: validate"), run);
    String generate = CommandLine.helpRequested("generate", "--output", "x", "--help").orElseThrow();
    assertTrue(generate.contains("--customers") && !generate.contains("--warehouse"), generate);
    String validate = CommandLine.helpRequested("validate", "--help").orElseThrow();
    assertTrue(validate.contains("--as-of") && !validate.contains("--reuse-model"), validate);
    // Without a command, every command's usage.
    String all = CommandLine.helpRequested("--help").orElseThrow();
    assertTrue(all.contains("Command: run") && all.contains("Command: generate"), all);
    assertTrue(CommandLine.helpRequested("run", "--as-of", "2026-11-21").isEmpty());
  }

  @Test
  void verboseIsAnOptionOfEveryCommand() {
    assertTrue(CommandLine.parse("run", "--as-of", "2026-11-21", "--input", "in", "--warehouse", "wh", "--verbose")
        .options().orElseThrow().verbose);
    assertTrue(CommandLine.parse("generate", "--output", "o", "--verbose").options().orElseThrow().verbose);
  }

  @Test
  void backtestOptionsAreParsedAndBothDatesRequired() {
    CommandLine.Options o = CommandLine.parse("backtest", "--calibration-end", "2025-11-21", "--holdout-end",
        "2026-11-21", "--input", "in", "--warehouse", "wh").options().orElseThrow();
    assertEquals(CommandLine.Command.BACKTEST, o.command);
    assertEquals(LocalDate.of(2025, 11, 21), o.calibrationEnd);
    assertEquals(LocalDate.of(2026, 11, 21), o.holdoutEnd);
    assertEquals("in", o.input);
    assertEquals("wh", o.warehouse);
    CommandLine.Parsed p = CommandLine.parse("backtest", "--calibration-end", "2025-11-21", "--input", "in", "--warehouse", "wh");
    assertEquals(2, p.exitCode());
    assertTrue(p.errors().toString().contains("--holdout-end"), p.errors().toString());
    assertEquals(0, Main.run("backtest", "--help"));
  }
}
