package io.valuetier.cli;

import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Either;
import scala.util.Left;
import scala.util.Right;
import scopt.OptionDef;
import scopt.OptionParser;
import scopt.Read;
import scopt.Read$;

/** The command line (scopt): parses arguments into one {@link Options} value. */
public final class CommandLine {
  public static final String PROGRAM = "value-tiering";

  /** What the user asked for. */
  public enum Command {
    RUN,
    GENERATE,
    VALIDATE,
    BACKTEST
  }

  /** Parsed arguments; fields left null were not given. */
  public static final class Options {
    public Command command;
    public LocalDate asOf;
    public String input;
    public String warehouse;
    public File config;
    public boolean reuseModel;
    public boolean refit;
    /** Print the stack trace of a failure to stderr too (it always goes to the log file). */
    public boolean verbose;
    public long customers = 10_000;
    public long seed = 42;
    public String output;
    public LocalDate endDate = LocalDate.of(2026, 11, 21);
    public int years = 3;
    public double badRowShare = 0.002;
    public LocalDate calibrationEnd;
    public LocalDate holdoutEnd;

    public Optional<File> configFile() {
      return Optional.ofNullable(config);
    }
  }

  /** The outcome of parsing: options to run, or an exit code (help shown, or a usage error). */
  public record Parsed(Optional<Options> options, int exitCode, List<String> errors) {}

  private CommandLine() {}

  public static Parsed parse(String... args) {
    Optional<String> help = helpRequested(args);
    if (help.isPresent()) {
      System.out.println(help.get());
      return new Parsed(Optional.empty(), 0, List.of());
    }
    Parser parser = new Parser(EnumSet.allOf(Command.class));
    scala.Option<Options> result =
        parser.parse(CollectionConverters.asScala(Arrays.asList(args)).toSeq(), new Options());
    if (parser.helpShown) {
      return new Parsed(Optional.empty(), 0, List.of());
    }
    if (result.isEmpty() || result.get().command == null) {
      List<String> errors = parser.errors.isEmpty() ? List.of("no command given (run, validate, backtest or generate); try --help") : parser.errors;
      return new Parsed(Optional.empty(), 2, errors);
    }
    return new Parsed(Optional.of(result.get()), 0, List.of());
  }

  /** Prints the usage of every command. */
  public static String usage() {
    return new Parser(EnumSet.allOf(Command.class)).usage();
  }

  /** The usage of one command only: what {@code value-tiering run --help} prints. */
  public static String usage(Command command) {
    return new Parser(EnumSet.of(command)).usage();
  }

  /**
   * The usage to print when --help is among the arguments: that of the command named first, or of
   * every command. Decided before parsing, so missing required options do not turn help into errors.
   */
  static Optional<String> helpRequested(String... args) {
    List<String> list = Arrays.asList(args);
    if (!list.contains("--help")) {
      return Optional.empty();
    }
    return Optional.of(list.stream().flatMap(a -> command(a).stream()).findFirst()
        .map(CommandLine::usage).orElseGet(CommandLine::usage));
  }

  /** The command a word names, if any. */
  public static Optional<Command> command(String word) {
    return Arrays.stream(Command.values()).filter(c -> c.name().toLowerCase(Locale.ROOT).equals(word)).findFirst();
  }

  /** scopt's object-oriented parser, driven from Java with lambdas. */
  private static final class Parser extends OptionParser<Options> {
    final List<String> errors = new ArrayList<>();
    boolean helpShown;

    Parser(Set<Command> commands) {
      super(PROGRAM);
      head(seq(PROGRAM + ": customer value tiering on Apache Spark"));
      help("help").text("print this usage");
      if (commands.contains(Command.RUN)) {
        run();
      }
      if (commands.contains(Command.VALIDATE)) {
        validate();
      }
      if (commands.contains(Command.BACKTEST)) {
        backtest();
      }
      if (commands.contains(Command.GENERATE)) {
        generate();
      }
    }

    private void run() {
      note("");
      cmd("run")
          .text("grade customers as of a business date and write the graded tables to the lake")
          .action((u, o) -> command(o, Command.RUN))
          .children(seq(asOf(), input(), warehouse(), config(), reuseModel(), refit(), verbose(), help("help").text("usage of run")));
    }

    private void validate() {
      note("");
      cmd("validate")
          .text("check the configuration and the input tables as run would; writes nothing")
          .action((u, o) -> command(o, Command.VALIDATE))
          .children(seq(asOf(), input(), config(), verbose(), help("help").text("usage of validate")));
    }

    private void backtest() {
      note("");
      cmd("backtest")
          .text("fit the lifetime-value purchase model up to a calibration end, compare its predictions with the "
              + "purchases that followed, and write clv_backtest to the lake")
          .action((u, o) -> command(o, Command.BACKTEST))
          .children(seq(
              opt("calibration-end", dateRead())
                  .required()
                  .valueName("YYYY-MM-DD")
                  .text("last day of the history the model is fitted on (D1)")
                  .action((d, o) -> { o.calibrationEnd = d; return o; }),
              opt("holdout-end", dateRead())
                  .required()
                  .valueName("YYYY-MM-DD")
                  .text("last day of the holdout (D1, D2] the predictions are compared with")
                  .action((d, o) -> { o.holdoutEnd = d; return o; }),
              input(), warehouse(), config(), verbose(), help("help").text("usage of backtest")));
    }

    private void generate() {
      note("");
      cmd("generate")
          .text("write a synthetic transactions/customers/invoices data set as Parquet")
          .action((u, o) -> command(o, Command.GENERATE))
          .children(
              seq(
                  opt("customers", longRead())
                      .valueName("N")
                      .text("number of customers (default 10000)")
                      .validate(n -> n > 0 ? ok() : fail("--customers must be positive"))
                      .action((n, o) -> { o.customers = n; return o; }),
                  opt("seed", longRead())
                      .valueName("S")
                      .text("random seed; the same seed gives the same data (default 42)")
                      .action((s, o) -> { o.seed = s; return o; }),
                  opt("output", stringRead())
                      .required()
                      .valueName("DIR")
                      .text("directory to write transactions/, customers/ and invoices/ to")
                      .action((s, o) -> { o.output = s; return o; }),
                  opt("end-date", dateRead())
                      .valueName("YYYY-MM-DD")
                      .text("last day of generated history (default 2026-11-21)")
                      .action((d, o) -> { o.endDate = d; return o; }),
                  opt("years", intRead())
                      .valueName("Y")
                      .text("years of history (default 3)")
                      .validate(y -> y > 0 ? ok() : fail("--years must be positive"))
                      .action((y, o) -> { o.years = y; return o; }),
                  opt("bad-row-share", doubleRead())
                      .valueName("P")
                      .text("share of deliberately bad transaction rows, to exercise quarantine (default 0.002)")
                      .validate(p -> p >= 0 && p < 1 ? ok() : fail("--bad-row-share must be in [0, 1)"))
                      .action((p, o) -> { o.badRowShare = p; return o; }),
                  verbose(),
                  help("help").text("usage of generate")));
    }

    private OptionDef<LocalDate, Options> asOf() {
      return opt("as-of", dateRead())
          .required()
          .valueName("YYYY-MM-DD")
          .text("business date D of the snapshot")
          .action((d, o) -> { o.asOf = d; return o; });
    }

    private OptionDef<String, Options> input() {
      return opt("input", stringRead())
          .required()
          .valueName("DIR")
          .text("directory (or URI) holding the transactions/, customers/ and invoices/ Parquet tables")
          .action((s, o) -> { o.input = s; return o; });
    }

    private OptionDef<String, Options> warehouse() {
      return opt("warehouse", stringRead())
          .required()
          .valueName("DIR")
          .text("lake warehouse directory (or URI); the embedded catalog lives inside it")
          .action((s, o) -> { o.warehouse = s; return o; });
    }

    private OptionDef<File, Options> config() {
      return opt("config", Read$.MODULE$.fileRead())
          .valueName("FILE")
          .text("HOCON configuration overriding the defaults (see conf/)")
          .action((f, o) -> { o.config = f; return o; });
    }

    private OptionDef<BoxedUnit, Options> reuseModel() {
      return opt("reuse-model", Read$.MODULE$.unitRead())
          .text("assign with the newest stored segmentation model before --as-of, never refitting (a date's own stored decision is always reused)")
          .action((u, o) -> { o.reuseModel = true; return o; });
    }

    private OptionDef<BoxedUnit, Options> refit() {
      return opt("refit", Read$.MODULE$.unitRead())
          .text("decide the segmentation of --as-of afresh: ignore its stored decision and fit again (keeping k and names)")
          .action((u, o) -> { o.refit = true; return o; });
    }

    private OptionDef<BoxedUnit, Options> verbose() {
      return opt("verbose", Read$.MODULE$.unitRead())
          .text("on failure, print the stack trace to stderr as well as to the log file")
          .action((u, o) -> { o.verbose = true; return o; });
    }

    private static Options command(Options o, Command command) {
      o.command = command;
      return o;
    }

    @Override
    public void reportError(String msg) {
      errors.add(msg);
    }

    @Override
    public void displayToErr(String msg) {
      // Errors are collected and printed by Main as one line each.
    }

    @Override
    public void displayToOut(String msg) {
      helpShown = true;
      System.out.println(msg);
    }

    @Override
    public void terminate(Either<String, BoxedUnit> exitState) {
      // Never exit from inside the parser: Main decides the exit code.
    }

    @Override
    public scala.Option<Object> showUsageOnError() {
      return scala.Option.apply(Boolean.FALSE);
    }

    @SafeVarargs
    private static <T> scala.collection.immutable.Seq<T> seq(T... items) {
      return CollectionConverters.asScala(Arrays.asList(items)).toList();
    }

    private static Either<String, BoxedUnit> ok() {
      return Right.apply(BoxedUnit.UNIT);
    }

    private static Either<String, BoxedUnit> fail(String message) {
      return Left.apply(message);
    }

    private static Read<String> stringRead() {
      return Read$.MODULE$.stringRead();
    }

    @SuppressWarnings("unchecked")
    private static Read<Long> longRead() {
      return (Read<Long>) (Read<?>) Read$.MODULE$.longRead();
    }

    @SuppressWarnings("unchecked")
    private static Read<Integer> intRead() {
      return (Read<Integer>) (Read<?>) Read$.MODULE$.intRead();
    }

    @SuppressWarnings("unchecked")
    private static Read<Double> doubleRead() {
      return (Read<Double>) (Read<?>) Read$.MODULE$.doubleRead();
    }

    private static Read<LocalDate> dateRead() {
      return Read$.MODULE$.reads(
          (String s) -> {
            try {
              return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
              throw new IllegalArgumentException("expected a date YYYY-MM-DD, got '" + s + "'");
            }
          });
    }
  }
}
