package io.llmtestbed.ait.sdk.manifest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Type of a parameter or a measure, as Qunomon accepts it: {@code int}, {@code float},
 * {@code bool}, {@code str}. Qunomon rejects {@code string} although its schema lists it.
 *
 * <p>{@link #parse(String)} is the one cast used everywhere (manifest {@code default_val},
 * {@code ait.input.json} values, validator checks), so a value that validates also reads.
 */
public enum ValueType {
    INT("int"),
    FLOAT("float"),
    BOOL("bool"),
    STR("str");

    private final String wireName;

    ValueType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code ait.manifest.json}. */
    public String wireName() {
        return wireName;
    }

    /** The type with this manifest name, if Qunomon accepts it. */
    public static Optional<ValueType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** Allowed names joined with {@code |}, for messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(ValueType::wireName).collect(Collectors.joining("|"));
    }

    /**
     * Casts a string value the way the Python SDK does: {@code int} (surrounding blanks
     * allowed, no decimal point), {@code float} (finite only), {@code bool} by {@code strtobool}
     * ({@code y yes t true on 1} / {@code n no f false off 0}, any case), {@code str} unchanged.
     *
     * @return a {@link Long}, {@link Double}, {@link Boolean} or {@link String}
     * @throws IllegalArgumentException saying which rule the value breaks
     */
    public Object parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no value (null) for type " + wireName);
        }
        String v = value.strip();
        switch (this) {
            case INT:
                try {
                    return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + value + "' is not an int"
                            + " (digits with an optional sign, e.g. \"10\")");
                }
            case FLOAT:
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + value + "' is not a float"
                            + " (e.g. \"0.5\", \"1e-3\")");
                }
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("'" + value + "' is not a finite float");
                }
                return d;
            case BOOL:
                return parseBool(value);
            default:
                return value;
        }
    }

    /**
     * Python's {@code strtobool}: true for {@code y yes t true on 1}, false for
     * {@code n no f false off 0}, case-insensitive.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static boolean parseBool(String value) {
        switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
            case "y": case "yes": case "t": case "true": case "on": case "1":
                return true;
            case "n": case "no": case "f": case "false": case "off": case "0":
                return false;
            default:
                throw new IllegalArgumentException("'" + value + "' is not a bool (use one of"
                        + " y, yes, t, true, on, 1 / n, no, f, false, off, 0)");
        }
    }

    /** Whether min/max apply to this type (int and float only). */
    public boolean isNumeric() {
        return this == INT || this == FLOAT;
    }
}
