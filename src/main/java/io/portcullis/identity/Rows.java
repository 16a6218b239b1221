package io.portcullis.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Column conversions shared by the identity tables (times are epoch milliseconds). */
final class Rows {
  private Rows() {}

  /** A nullable BIGINT: drivers differ in the boxed type {@code getObject} returns. */
  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Long millis = nullableLong(rs, column);
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }
}
