package io.valuetier.grading;

import io.valuetier.config.TieringConfig;
import io.valuetier.io.Materialized;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Every rule-based grading method of "Grading methods" (docs/methods.md), applied in order to the customer features. */
public final class Grading {
  private Grading() {}

  /** RFM, ABC, credit, cost contribution, composite score, lifecycle and value–potential columns added to {@code features}. */
  public static Dataset<Row> apply(Dataset<Row> features, TieringConfig config, boolean hasCost) {
    Dataset<Row> rfm = RfmGrading.withRfmScores(features);
    // Materialized after each join-based step: the steps after it scan the result several times,
    // and start from a short plan. The job's scope releases the rows.
    Dataset<Row> abc = Materialized.of(new AbcGrading(config.abc(), hasCost).apply(rfm));
    Dataset<Row> credit = CostContribution.apply(CustomerStages.withCreditScore(abc, config.credit()), config.costToServe(),
        config.windowDays());
    Dataset<Row> scored = Materialized.of(new CompositeScore(config.scoring()).apply(credit));
    Dataset<Row> staged = CustomerStages.withLifecycleStage(scored, config.lifecycle());
    return CustomerStages.withValuePotential(staged, config.valuePotential());
  }
}
