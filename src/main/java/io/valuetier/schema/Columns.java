package io.valuetier.schema;

/** Every column name the job reads or writes, declared once (docs/methods.md). */
public final class Columns {
  private Columns() {}

  // Input: transactions (docs/methods.md, "Input tables"). Input names can be mapped from the user's names in conf.
  public static final String ORDER_ID = "order_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_TS = "order_ts";
  public static final String ORDER_DATE = "order_date";
  public static final String AMOUNT = "amount";
  public static final String COST = "cost";
  public static final String QUANTITY = "quantity";
  public static final String CATEGORY = "category";
  public static final String CHANNEL = "channel";

  // Input: customers (docs/methods.md, "Input tables").
  public static final String NAME = "name";
  public static final String PHONE = "phone";
  public static final String EMAIL = "email";
  public static final String SIGNUP_DATE = "signup_date";
  public static final String INDUSTRY = "industry";
  public static final String REGION = "region";

  // Input: invoices (docs/methods.md, "Input tables").
  public static final String INVOICE_ID = "invoice_id";
  public static final String DUE_DATE = "due_date";
  public static final String PAID_DATE = "paid_date";

  // Quarantine (docs/methods.md, "Validation and quarantine").
  public static final String REASON = "reason";

  // Customer features (docs/methods.md, "Customer features").
  public static final String RECENCY_DAYS = "recency_days";
  public static final String FREQUENCY = "frequency";
  public static final String MONETARY = "monetary";
  public static final String PROFIT = "profit";
  public static final String MARGIN = "margin";
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String TENURE_DAYS = "tenure_days";
  public static final String CATEGORY_BREADTH = "category_breadth";
  public static final String MONETARY_PREV = "monetary_prev";
  public static final String GROWTH = "growth";
  public static final String FIRST_ORDER_DATE = "first_order_date";
  public static final String LAST_ORDER_DATE = "last_order_date";
  public static final String ON_TIME_RATE = "on_time_rate";
  public static final String AVG_DAYS_LATE = "avg_days_late";
  public static final String OVERDUE_OPEN = "overdue_open";
  /** Yearly cost to serve: service_costs in W and configured rules, scaled to a year. */
  public static final String COST_TO_SERVE = "cost_to_serve";

  // Input: service_costs (optional): customer_id, cost, and date or period ("yyyy-MM").
  public static final String COST_DATE = "date";
  public static final String COST_PERIOD = "period";

  // Purchase history and predicted lifetime value (docs/methods.md, "Lifetime value").
  /** x: purchase days after the first one (same-day purchases merged). */
  public static final String REPEAT_PURCHASES = "repeat_purchases";
  /** t_x: days from the first to the last purchase day. */
  public static final String PURCHASE_SPAN_DAYS = "purchase_span_days";
  /** T: days from the first purchase day to the as-of date. */
  public static final String CUSTOMER_AGE_DAYS = "customer_age_days";
  /** Mean amount of the repeat purchase days (null without repeat purchases). */
  public static final String MEAN_REPEAT_SPEND = "mean_repeat_spend";
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_ORDERS_H = "expected_orders_h";
  public static final String EXPECTED_AVG_VALUE = "expected_avg_value";
  public static final String CLV = "clv";
  /** P(at least one purchase within 30, 90, 180 days of D), from the BG/NBD fit. */
  public static final String P_PURCHASE_30D = "p_purchase_30d";
  public static final String P_PURCHASE_90D = "p_purchase_90d";
  public static final String P_PURCHASE_180D = "p_purchase_180d";
  /** Purchase timing grade A–E (expected to buy within a month … no realistic chance). */
  public static final String PURCHASE_TIMING = "purchase_timing";
  /** Customer NPV, yearly: Σ_t (M·Q_t − X)/(1+i)^t − C. */
  public static final String NPV = "npv";
  /** The acquisition cost C of the NPV (configured, or from the customers table). */
  public static final String ACQUISITION_COST = "acquisition_cost";

  // Grades (docs/methods.md, "Grading methods").
  public static final String R_SCORE = "r_score";
  public static final String F_SCORE = "f_score";
  public static final String M_SCORE = "m_score";
  public static final String RFM_SEGMENT = "rfm_segment";
  public static final String ABC_CLASS = "abc_class";
  public static final String CUMULATIVE_SHARE = "cumulative_share";
  public static final String VALUE_SCORE = "value_score";
  public static final String VALUE_GRADE = "value_grade";
  /** Prefix of the per-indicator points behind value_score: score_&lt;indicator&gt;. */
  public static final String SCORE_PREFIX = "score_";
  public static final String LIFECYCLE_STAGE = "lifecycle_stage";
  public static final String CREDIT_SCORE = "credit_score";
  public static final String VALUE_POTENTIAL = "value_potential";
  /** Yearly profit / yearly cost to serve, and its class gold / silver / ordinary / eliminate. */
  public static final String COST_CONTRIBUTION_RATE = "cost_contribution_rate";
  public static final String COST_CONTRIBUTION_CLASS = "cost_contribution_class";
  public static final String SEGMENT_ID = "segment_id";
  public static final String SEGMENT = "segment";
  public static final String SEGMENT_RANK = "segment_rank";
  public static final String TIER = "tier";
  /** The grade the primary method gives tonight, before the stability rule. */
  public static final String COMPUTED_TIER = "computed_tier";
  public static final String PREVIOUS_TIER = "previous_tier";
  public static final String TIER_CHANGED = "tier_changed";
  public static final String CHANGE_REASON = "change_reason";

  // tier_migration (docs/methods.md, "Stability from night to night").
  public static final String CUSTOMERS = "customers";

  // clv_backtest: a purchase model fitted up to the calibration end against the holdout after it.
  /** Purchase days in the holdout (counted as repeat_purchases is). */
  public static final String HOLDOUT_PURCHASES = "holdout_purchases";
  public static final String PREDICTED_PURCHASES = "predicted_purchases";
  /** P(at least one purchase day in the holdout), from the model. */
  public static final String P_PURCHASE_HOLDOUT = "p_purchase_holdout";
  public static final String PURCHASE_MODEL = "model";
  public static final String MODEL_PARAMETERS = "model_parameters";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  public static final String CALIBRATION_END = "calibration_end";
  public static final String HOLDOUT_END = "holdout_end";
  public static final String HOLDOUT_DAYS = "holdout_days";
  /** Calibration repeat purchases: "0" .. "6", "7+", or "all" for the whole population. */
  public static final String FREQUENCY_GROUP = "frequency_group";
  public static final String ACTUAL_PURCHASES = "actual_purchases";
  public static final String MEAN_ABSOLUTE_ERROR = "mean_absolute_error";
  public static final String ROOT_MEAN_SQUARED_ERROR = "root_mean_squared_error";
  public static final String MEAN_P_ALIVE = "mean_p_alive";
  public static final String PREDICTED_SHARE_BUYING = "predicted_share_buying";
  public static final String ACTUAL_SHARE_BUYING = "actual_share_buying";

  // Every output table (docs/methods.md, "Output tables").
  public static final String SNAPSHOT_DATE = "snapshot_date";
}
