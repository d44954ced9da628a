package io.valuetier.grading;

import io.valuetier.config.TieringConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/** Every rule-based grading method of "Grading methods" (docs/methods.md), applied in order to the customer features. */
public final class Grading {
  private Grading() {}

  /** RFM, ABC, credit, cost contribution, composite score, lifecycle and value–potential columns added to {@code features}. */
  public static Dataset<Row> apply(Dataset<Row> features, TieringConfig config, boolean hasCost) {
    Dataset<Row> rfm = RfmGrading.withRfmScores(features);
    // Cached after each join-based step: the steps after it scan the result several times, and a
    // cached relation keeps their plans (and planning time) small. The job clears the cache.
    Dataset<Row> abc = new AbcGrading(config.abc(), hasCost).apply(rfm).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> credit = CostContribution.apply(CustomerStages.withCreditScore(abc, config.credit()), config.costToServe(),
        config.windowDays());
    Dataset<Row> scored = new CompositeScore(config.scoring()).apply(credit).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> staged = CustomerStages.withLifecycleStage(scored, config.lifecycle());
    return CustomerStages.withValuePotential(staged, config.valuePotential());
  }
}
