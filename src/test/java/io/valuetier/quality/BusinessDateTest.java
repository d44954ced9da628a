package io.valuetier.quality;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.valuetier.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The business date of an instant: its wall-clock date in the business zone, also either side of midnight and before 1970. */
class BusinessDateTest {
  @Test
  void anInstantIsDatedByTheWallClockOfTheBusinessZone() {
    // instant, business zone, expected date: worked out by adding the zone's offset by hand.
    String[][] cases = {
        {"2026-11-20T23:59:59.999999Z", "UTC", "2026-11-20"},
        {"2026-11-21T00:00:00Z", "UTC", "2026-11-21"},
        {"1969-12-31T23:59:59.999999Z", "UTC", "1969-12-31"},
        {"1970-01-01T00:00:00Z", "UTC", "1970-01-01"},
        {"1900-03-01T12:00:00Z", "UTC", "1900-03-01"},
        {"2026-11-20T20:00:00Z", "+05:30", "2026-11-21"}, // 01:30 next day
        {"2026-11-20T18:29:59Z", "+05:30", "2026-11-20"}, // 23:59:59
        {"2026-11-21T03:00:00Z", "-05:00", "2026-11-20"}, // 22:00 the day before
        {"1970-01-01T02:00:00Z", "-03:00", "1969-12-31"}, // 23:00, before the epoch
        {"2026-07-01T03:30:00Z", "America/New_York", "2026-06-30"}, // 23:30 daylight saving (UTC-4)
        {"2026-01-01T04:30:00Z", "America/New_York", "2025-12-31"}, // 23:30 standard time (UTC-5)
    };
    StructType schema = new StructType().add("ts", DataTypes.TimestampType);
    for (String[] c : cases) {
      List<Row> rows = new ArrayList<>();
      rows.add(RowFactory.create(Timestamp.from(Instant.parse(c[0]))));
      rows.add(RowFactory.create((Object) null));
      List<Row> out = SparkTestSession.get().createDataFrame(rows, schema)
          .select(TransactionValidation.businessDate(col("ts"), DataTypes.TimestampType, ZoneId.of(c[1]), "UTC")
              .cast(DataTypes.StringType))
          .collectAsList();
      assertEquals(c[2], out.get(0).getString(0), c[0] + " in " + c[1]);
      assertEquals(null, out.get(1).get(0), "null stays null");
    }
  }
}
