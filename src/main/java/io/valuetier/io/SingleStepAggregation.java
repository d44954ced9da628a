package io.valuetier.io;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateMode;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * Session extension: a hash aggregation whose input is already partitioned by its grouping keys
 * runs as one step instead of a partial and a final aggregate over the same rows.
 *
 * <p>Spark always plans an aggregation in two steps, so that the partial step shrinks the rows
 * before they are shuffled. When the rows are already partitioned by the keys (the transaction
 * lines are spread by customer once, and the duplicate rule, the features and the purchase
 * histories all group by customer and more), no shuffle comes between the two and the partial
 * step shrinks nothing worth shuffling: both steps build a hash map of the same keys. The
 * duplicate rule has a key per line, so that is two maps of every line. This rule runs after
 * Spark has placed its exchanges and merges exactly that pattern, a final hash aggregate directly
 * over a partial one, into a single complete one (the mode Spark itself uses for aggregates that
 * have no partial form); any other plan is left as it is.
 */
public final class SingleStepAggregation extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectColumnar(session -> new ColumnarRule() {
      @Override
      public Rule<SparkPlan> preColumnarTransitions() {
        return MERGE;
      }
    });
    return BoxedUnit.UNIT;
  }

  /** The rule alone, for tests of the plans it rewrites. */
  static final Rule<SparkPlan> MERGE = new Rule<>() {
    @Override
    public SparkPlan apply(SparkPlan plan) {
      return plan.transformUp(new AbstractPartialFunction<SparkPlan, SparkPlan>() {
        @Override
        public boolean isDefinedAt(SparkPlan node) {
          return mergeable(node);
        }

        @Override
        public <A1 extends SparkPlan, B1> B1 applyOrElse(A1 node, scala.Function1<A1, B1> otherwise) {
          if (!mergeable(node)) {
            return otherwise.apply(node);
          }
          @SuppressWarnings("unchecked")
          B1 merged = (B1) merge((HashAggregateExec) node);
          return merged;
        }
      });
    }
  };

  /**
   * A final hash aggregate directly over a partial one of the same grouping, plain attributes as
   * keys (so the required distribution reads the same on both sides of the merge).
   */
  static boolean mergeable(SparkPlan node) {
    if (!(node instanceof HashAggregateExec last) || !(last.child() instanceof HashAggregateExec first)) {
      return false;
    }
    return !last.isStreaming()
        && first.groupingExpressions().nonEmpty()
        && first.groupingExpressions().size() == last.groupingExpressions().size()
        && first.groupingExpressions().forall(e -> e instanceof Attribute)
        && first.aggregateExpressions().size() == last.aggregateExpressions().size()
        && allIn(first.aggregateExpressions(), Partial$.MODULE$)
        && allIn(last.aggregateExpressions(), Final$.MODULE$)
        && last.initialInputBufferOffset() == first.groupingExpressions().size();
  }

  private static boolean allIn(Seq<AggregateExpression> expressions, AggregateMode mode) {
    return expressions.forall(e -> e.mode() == mode);
  }

  /**
   * The complete aggregate: the partial one's keys and functions over its input, the final one's
   * results. Both steps carry the same result ids, so the final result expressions still resolve.
   */
  private static SparkPlan merge(HashAggregateExec last) {
    HashAggregateExec first = (HashAggregateExec) last.child();
    List<AggregateExpression> complete = new ArrayList<>();
    first.aggregateExpressions().foreach(e ->
        complete.add(e.copy(e.aggregateFunction(), Complete$.MODULE$, e.isDistinct(), e.filter(), e.resultId())));
    return new HashAggregateExec(
        last.requiredChildDistributionExpressions(),
        last.isStreaming(),
        last.numShufflePartitions(),
        first.groupingExpressions(),
        CollectionConverters.asScala(complete).toSeq(),
        last.aggregateAttributes(),
        0,
        last.resultExpressions(),
        first.child());
  }
}
