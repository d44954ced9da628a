package io.valuetier.schema;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/** A small driver-side map turned into a per-row lookup: a literal map column indexed by a key column. */
public final class Lookup {
  private Lookup() {}

  /** {@code map[key]}, null where the key is absent; {@code absent} when the map itself is empty. */
  public static Column of(Map<?, ?> map, Column key, Column absent) {
    if (map.isEmpty()) {
      return absent;
    }
    List<Column> pairs = new ArrayList<>();
    map.forEach((k, v) -> {
      pairs.add(lit(k));
      pairs.add(lit(v));
    });
    return org.apache.spark.sql.functions.map(pairs.toArray(Column[]::new)).getItem(key);
  }
}
