package io.portcullis.identity;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The spellings enums of this package have in the database and at the REST edge. */
final class WireNames {
  private WireNames() {}

  /** An enum whose constants have a lower-case spelling. */
  interface Named {
    String wireName();
  }

  static <E extends Enum<E> & Named> E parse(Class<E> type, String what, String value) {
    for (E constant : type.getEnumConstants()) {
      if (constant.wireName().equals(value)) {
        return constant;
      }
    }
    throw new InvalidValueException("unknown " + what + " '" + value + "' (expected "
        + Arrays.stream(type.getEnumConstants()).map(Named::wireName).collect(Collectors.joining(", ")) + ")");
  }
}
