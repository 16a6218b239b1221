package io.portcullis.identity.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Column conversions and the existence check the identity tables share (times are epoch milliseconds). */
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

  /** Whether {@code sql} with positional {@code args} finds a row. */
  static boolean exists(Handle h, String sql, Object... args) {
    var query = h.createQuery(sql);
    for (int i = 0; i < args.length; i++) {
      query.bind(i, args[i]);
    }
    return query.mapTo(Integer.class).findOne().isPresent();
  }
}
