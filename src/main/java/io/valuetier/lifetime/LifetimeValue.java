package io.valuetier.lifetime;

import static io.valuetier.schema.Columns.CLV;
import static io.valuetier.schema.Columns.CUSTOMER_AGE_DAYS;
import static io.valuetier.schema.Columns.EXPECTED_AVG_VALUE;
import static io.valuetier.schema.Columns.EXPECTED_ORDERS_H;
import static io.valuetier.schema.Columns.MARGIN;
import static io.valuetier.schema.Columns.MEAN_REPEAT_SPEND;
import static io.valuetier.schema.Columns.P_ALIVE;
import static io.valuetier.schema.Columns.PURCHASE_SPAN_DAYS;
import static io.valuetier.schema.Columns.REPEAT_PURCHASES;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import io.valuetier.io.Joins;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Predicted customer lifetime value (docs/methods.md, "Lifetime value"): fits a purchase model (BG/NBD, MBG/NBD, or the one of the
 * two with the lower holdout error) to the purchase histories and Gamma-Gamma to
 * the repeat spend over the whole population, then adds per customer {@code p_alive},
 * {@code expected_orders_h}, {@code expected_avg_value} and {@code clv}, the discounted margin of
 * the expected purchases month by month over the horizon (the NPV form of "Lifetime value" (docs/methods.md)).
 */
public final class LifetimeValue {
  public static final String BG_NBD = "bgnbd";
  public static final String MBG_NBD = "mbgnbd";
  /** lifetime_status keys of the model choice and of the check of p_alive. */
  public static final String MODEL_STATUS = "model";
  public static final String P_ALIVE_STATUS = "p_alive";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LifetimeValue.class);
  public static final String GAMMA_GAMMA = "gamma_gamma";
  /** Days in a month of the horizon: a Gregorian year over twelve. */
  static final double DAYS_PER_MONTH = 365.2425 / 12;
  private static final String PREDICTION = "lifetime_prediction";
  private static final StructType PREDICTION_TYPE = new StructType()
      .add(P_ALIVE, DataTypes.DoubleType)
      .add(EXPECTED_ORDERS_H, DataTypes.DoubleType)
      .add(EXPECTED_AVG_VALUE, DataTypes.DoubleType)
      .add(CLV, DataTypes.DoubleType)
      .add(CustomerNpv.BEFORE_ACQUISITION, DataTypes.DoubleType);

  /**
   * Both fits, or why a model was not fitted (disabled, nobody bought twice); with model = auto
   * also the candidates fitted up to D − holdout-days and their holdout errors (RMSE per customer).
   */
  public record Fitted(Optional<MaximumLikelihood.Fit> purchases, Optional<MaximumLikelihood.Fit> spend,
      Map<String, String> status, Map<String, MaximumLikelihood.Fit> candidates, Map<String, Double> holdoutErrors) {
    public Fitted(Optional<MaximumLikelihood.Fit> purchases, Optional<MaximumLikelihood.Fit> spend,
        Map<String, String> status) {
      this(purchases, spend, status, Map.of(), Map.of());
    }

    /** The chosen purchase model, fitted. */
    public Optional<PurchaseModel> purchaseModel() {
      return purchases.map(PurchaseModel::of);
    }

    /** Fitted parameters as "model.parameter" → value, for run_summary. */
    public Map<String, Double> parameters() {
      Map<String, Double> all = new LinkedHashMap<>();
      purchases.ifPresent(f -> f.parameters().forEach((k, v) -> all.put(f.model() + "." + k, v)));
      spend.ifPresent(f -> f.parameters().forEach((k, v) -> all.put(GAMMA_GAMMA + "." + k, v)));
      return all;
    }

    /** Total log-likelihood per fitted model. */
    public Map<String, Double> logLikelihoods() {
      Map<String, Double> all = new LinkedHashMap<>();
      purchases.ifPresent(f -> all.put(f.model(), f.logLikelihood()));
      spend.ifPresent(f -> all.put(GAMMA_GAMMA, f.logLikelihood()));
      // The candidates saw the same (shorter) history, so these two are comparable with each other.
      candidates.forEach((model, f) -> all.put(CALIBRATION + model, f.logLikelihood()));
      return all;
    }

    @Override
    public String toString() {
      return parameters() + " " + status;
    }
  }

  /** Prefix of the candidates' keys in run_summary: fitted up to D − holdout-days. */
  public static final String CALIBRATION = "holdout_fit.";

  private final TieringConfig.LifetimeValue config;

  public LifetimeValue(TieringConfig.LifetimeValue config) {
    this.config = config;
  }

  /** Fits the configured purchase model and Gamma-Gamma; model = auto needs {@link #fit(Dataset, Backtest.Split)}. */
  public Fitted fit(Dataset<Row> histories) {
    return fit(histories, null);
  }

  /**
   * Fits the purchase model and Gamma-Gamma to the output of {@link PurchaseHistory} (scanned a few
   * times: cache it). With model = auto the model is first chosen on {@code holdout}: both fitted
   * to its calibration histories, the lower holdout RMSE per customer wins.
   */
  public Fitted fit(Dataset<Row> histories, Backtest.Split holdout) {
    Map<String, String> status = new LinkedHashMap<>();
    if (!config.enabled()) {
      status.put(BG_NBD, "disabled");
      status.put(GAMMA_GAMMA, "disabled");
      return new Fitted(Optional.empty(), Optional.empty(), status);
    }
    Column x = col(REPEAT_PURCHASES);
    Row stats = histories.agg(count(when(x.gt(0), 1)), avg(col(MEAN_REPEAT_SPEND))).first();
    long repeaters = stats.getLong(0);
    Optional<MaximumLikelihood.Fit> purchases = Optional.empty();
    Optional<MaximumLikelihood.Fit> spend = Optional.empty();
    // With nobody buying twice the likelihood keeps rising as the purchase rate falls to zero:
    // there is no maximum to find, so say so instead of reporting a meaningless fit.
    if (repeaters == 0) {
      status.put(BG_NBD, "not fitted: no customer has a repeat purchase");
      status.put(GAMMA_GAMMA, "not fitted: no customer has a repeat purchase");
      return new Fitted(purchases, spend, status);
    }
    Map<String, MaximumLikelihood.Fit> candidates = new LinkedHashMap<>();
    Map<String, Double> holdoutErrors = new LinkedHashMap<>();
    String model = config.choice().model();
    if (config.choice().auto()) {
      if (holdout == null) {
        throw new IllegalArgumentException("model = auto needs a holdout split");
      }
      model = choose(holdout, candidates, holdoutErrors, status);
    } else {
      status.put(MODEL_STATUS, model + " (configured)");
    }
    MaximumLikelihood.Fit fit = fitPurchases(model, histories).orElseThrow();
    purchases = Optional.of(fit);
    status.put(model, fit.status());
    status.put(P_ALIVE_STATUS, informativeness(histories, PurchaseModel.of(fit), model));
    Dataset<Row> spenders = histories.where(x.gt(0).and(col(MEAN_REPEAT_SPEND).gt(0)));
    if (repeaters < 2) {
      status.put(GAMMA_GAMMA, "not fitted: fewer than two customers with repeat purchases");
    } else {
      double meanSpend = startingPoint(stats.getDouble(1));
      MaximumLikelihood mle = new MaximumLikelihood(config.maxIterations(), config.tolerance());
      // p = 1, q = 3, v = 2·mean starts the population mean p·v/(q−1) at the observed mean.
      MaximumLikelihood.Fit gg = mle.fit(GAMMA_GAMMA, new GammaGamma(), spenders,
          new Column[] {x, col(MEAN_REPEAT_SPEND)}, lit(1.0), new double[] {1.0, 3.0, 2.0 * meanSpend});
      spend = Optional.of(gg);
      status.put(GAMMA_GAMMA, gg.status());
    }
    return new Fitted(purchases, spend, status, candidates, holdoutErrors);
  }

  /**
   * Fits one purchase model ({@link #BG_NBD} or {@link #MBG_NBD}) to purchase histories by maximum
   * likelihood; empty when nobody has a repeat purchase (the likelihood then has no maximum).
   */
  public Optional<MaximumLikelihood.Fit> fitPurchases(String model, Dataset<Row> histories) {
    Column x = col(REPEAT_PURCHASES);
    Row stats = histories.agg(count(when(x.gt(0), 1)), avg(x), avg(col(CUSTOMER_AGE_DAYS))).first();
    if (stats.getLong(0) == 0) {
      return Optional.empty();
    }
    // Identical (x, t_x, T) histories collapse to one weighted row: far fewer rows per evaluation.
    Dataset<Row> collapsed = histories.groupBy(x, col(PURCHASE_SPAN_DAYS), col(CUSTOMER_AGE_DAYS))
        .agg(count(lit(1)).as("weight"));
    double meanX = stats.getDouble(1);
    double meanT = Math.max(1.0, stats.getDouble(2));
    double rate = startingPoint(Math.max(meanX, 0.1) / meanT); // purchases per day: α starts at r / rate
    return Optional.of(new MaximumLikelihood(config.maxIterations(), config.tolerance()).fit(model,
        PurchaseModel.likelihood(model), collapsed, new Column[] {x, col(PURCHASE_SPAN_DAYS), col(CUSTOMER_AGE_DAYS)},
        col("weight"), new double[] {1.0, 1.0 / rate, 1.0, 1.0}));
  }

  /**
   * A start of the search from a population average, to six digits: it need not be exact, and an
   * average of doubles differs in its last digits with the order Spark adds them in (the layout),
   * which would move the fitted parameters in theirs.
   */
  private static double startingPoint(double average) {
    return new java.math.BigDecimal(average).round(new java.math.MathContext(6)).doubleValue();
  }

  /**
   * model = auto: both models fitted up to the split's calibration end, each one's RMSE per customer
   * of the predicted purchase days in the holdout; the lower wins (BG/NBD on a tie). RMSE because the
   * expected count is what minimizes it, where the absolute error rewards predicting too few.
   */
  private String choose(Backtest.Split holdout, Map<String, MaximumLikelihood.Fit> candidates,
      Map<String, Double> holdoutErrors, Map<String, String> status) {
    Dataset<Row> calibration = holdout.calibration().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> customers = holdout.customers().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      for (String model : List.of(BG_NBD, MBG_NBD)) {
        Optional<MaximumLikelihood.Fit> fit = fitPurchases(model, calibration);
        if (fit.isEmpty()) {
          status.put(MODEL_STATUS, BG_NBD + " (auto could not compare: no repeat purchase up to "
              + holdout.calibrationEnd() + ")");
          candidates.clear();
          holdoutErrors.clear();
          return BG_NBD;
        }
        candidates.put(model, fit.get());
        holdoutErrors.put(model, Backtest.errors(Backtest.predict(customers, PurchaseModel.of(fit.get()),
            holdout.holdoutDays())).rootMeanSquared());
      }
    } finally {
      calibration.unpersist();
      customers.unpersist();
    }
    String chosen = holdoutErrors.get(MBG_NBD) < holdoutErrors.get(BG_NBD) ? MBG_NBD : BG_NBD;
    status.put(MODEL_STATUS, String.format(java.util.Locale.ROOT,
        "%s (auto: holdout RMSE per customer %s %.4f, %s %.4f over (%s, %s])", chosen, BG_NBD,
        holdoutErrors.get(BG_NBD), MBG_NBD, holdoutErrors.get(MBG_NBD), holdout.calibrationEnd(), holdout.holdoutEnd()));
    return chosen;
  }

  /**
   * Whether p_alive tells anything about the customers it matters most for, those silent for over
   * half their history: a fit that calls nearly all of them alive (as BG/NBD does when the dropout
   * probability is fitted near zero) ranks nobody by it. Logged as a WARN when uninformative.
   */
  String informativeness(Dataset<Row> histories, PurchaseModel model, String name) {
    TieringConfig.ModelChoice c = config.choice();
    UDF3<Double, Double, Double, Double> pAlive = model::probabilityAlive;
    Column p = udf(pAlive, DataTypes.DoubleType).apply(col(REPEAT_PURCHASES).cast(DataTypes.DoubleType),
        col(PURCHASE_SPAN_DAYS).cast(DataTypes.DoubleType), col(CUSTOMER_AGE_DAYS).cast(DataTypes.DoubleType));
    Column silent = col(CUSTOMER_AGE_DAYS).minus(col(PURCHASE_SPAN_DAYS)).gt(col(CUSTOMER_AGE_DAYS).divide(2));
    Row r = histories.where(silent).agg(count(lit(1)), count(when(p.gt(c.uninformativePAlive()), 1))).first();
    long silentCustomers = r.getLong(0);
    if (silentCustomers == 0) {
      return "not checked: no customer silent for over half their history";
    }
    double share = (double) r.getLong(1) / silentCustomers;
    String text = String.format(java.util.Locale.ROOT,
        "p_alive > %s for %.2f %% of the %d customers silent for over half their history", c.uninformativePAlive(),
        100 * share, silentCustomers);
    if (share > c.uninformativeShare()) {
      LOG.warn("lifetime value: the {} fit is uninformative: {}; p_alive cannot tell who has left "
          + "(try tiering.lifetime-value.model = auto, or run the backtest command)", name, text);
      return "uninformative: " + text;
    }
    return "informative: " + text;
  }

  /**
   * The customers with their purchase history ({@code repeat_purchases}, {@code purchase_span_days},
   * {@code customer_age_days}, {@code mean_repeat_spend}) and the four predictions; null where a
   * model was not fitted or the customer has no purchase day. Requires {@code customer_id, margin}.
   */
  public Dataset<Row> apply(Dataset<Row> customers, Dataset<Row> histories, Fitted fitted) {
    Dataset<Row> joined = Joins.withNarrow(customers, histories, "left");
    Predictor predictor = new Predictor(fitted.purchaseModel().orElse(null),
        fitted.spend().map(f -> GammaGamma.Params.of(f.values())).orElse(null), config);
    // Non-deterministic only so that the optimizer cannot inline the UDF into each of the four
    // field extractions below (which would run the hypergeometric series four times per customer).
    UserDefinedFunction predict = udf(predictor, PREDICTION_TYPE).asNondeterministic();
    Column prediction = predict.apply(col(REPEAT_PURCHASES), col(PURCHASE_SPAN_DAYS), col(CUSTOMER_AGE_DAYS),
        col(MEAN_REPEAT_SPEND), col(MARGIN));
    return joined.withColumn(PREDICTION, prediction)
        .withColumn(P_ALIVE, col(PREDICTION + "." + P_ALIVE))
        .withColumn(EXPECTED_ORDERS_H, col(PREDICTION + "." + EXPECTED_ORDERS_H))
        .withColumn(EXPECTED_AVG_VALUE, col(PREDICTION + "." + EXPECTED_AVG_VALUE))
        .withColumn(CLV, col(PREDICTION + "." + CLV))
        .withColumn(CustomerNpv.BEFORE_ACQUISITION, col(PREDICTION + "." + CustomerNpv.BEFORE_ACQUISITION))
        .drop(PREDICTION);
  }

  /** Per-customer predictions from the fitted parameters; runs on the executors. */
  static final class Predictor implements UDF5<Integer, Integer, Integer, Double, Double, Row>, Serializable {
    private final PurchaseModel purchases;
    private final GammaGamma.Params spend;
    private final TieringConfig.LifetimeValue config;

    Predictor(PurchaseModel purchases, GammaGamma.Params spend, TieringConfig.LifetimeValue config) {
      this.purchases = purchases;
      this.spend = spend;
      this.config = config;
    }

    @Override
    public Row call(Integer x, Integer tx, Integer t, Double meanSpend, Double customerMargin) {
      if (purchases == null || x == null) {
        return RowFactory.create(null, null, null, null, null);
      }
      double pAlive = purchases.probabilityAlive(x, tx, t);
      int months = config.horizonMonths();
      double[] cumulative = new double[months + 1];
      for (int m = 1; m <= months; m++) {
        cumulative[m] = purchases.expectedPurchases(x, tx, t, m * DAYS_PER_MONTH);
      }
      Double avgValue = null;
      Double clv = null;
      Double npv = null;
      if (spend != null) {
        double value = GammaGamma.expectedAverageValue(spend, x, meanSpend == null ? 0 : meanSpend);
        if (Double.isFinite(value)) {
          avgValue = value;
          clv = presentValue(cumulative, value, margin(customerMargin), config.monthlyServiceCost() * pAlive,
              config.monthlyDiscountRate());
          npv = yearlyPresentValue(x, tx, t, value, margin(customerMargin));
        }
      }
      return RowFactory.create(pAlive, cumulative[months], avgValue, clv, npv);
    }

    /** The NPV sum before the acquisition cost, over whole years (see {@link CustomerNpv}). */
    private double yearlyPresentValue(int x, int tx, int t, double value, double margin) {
      TieringConfig.Npv npv = config.npv();
      double[] cumulative = new double[npv.years() + 1];
      for (int year = 1; year <= npv.years(); year++) {
        cumulative[year] = purchases.expectedPurchases(x, tx, t, year * CustomerNpv.DAYS_PER_YEAR);
      }
      return CustomerNpv.presentValue(cumulative, value, margin, npv.yearlyMaintenanceCost(), npv.yearlyDiscountRate());
    }

    private double margin(Double customerMargin) {
      if (config.customerMargin() && customerMargin != null && Double.isFinite(customerMargin)) {
        return Math.max(-1.0, Math.min(1.0, customerMargin));
      }
      return config.margin();
    }
  }

  /**
   * Σ_m (margin · value · (E[Y(m)] − E[Y(m−1)]) − cost) / (1 + rate)^m for months m = 1..H, given the
   * cumulative expected purchases E[Y(m)] at the end of each month ({@code cumulative[0]} = 0).
   */
  static double presentValue(double[] cumulative, double value, double margin, double monthlyCost, double rate) {
    double total = 0;
    double discount = 1;
    for (int m = 1; m < cumulative.length; m++) {
      discount /= 1 + rate;
      total += (margin * value * (cumulative[m] - cumulative[m - 1]) - monthlyCost) * discount;
    }
    return total;
  }
}
