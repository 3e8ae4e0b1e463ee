package io.llmtestbed.ait.sdk.input;

import io.llmtestbed.ait.sdk.manifest.MethodParam;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.runtime.AitException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter values cast by the manifest's types. A value missing from {@code ait.input.json}
 * takes the manifest's {@code default_val}. Accessors check the declared type: asking for a
 * parameter that is not declared, or with the wrong accessor, is an AIT bug (E101).
 */
public final class AitParameters {

    private final Map<String, MethodParam> declared;
    private final Map<String, String> raw;
    private final Map<String, Object> values;

    private AitParameters(Map<String, MethodParam> declared, Map<String, String> raw,
            Map<String, Object> values) {
        this.declared = declared;
        this.raw = raw;
        this.values = values;
    }

    /**
     * Casts each declared parameter's value ({@code given}, else {@code default_val}).
     *
     * @throws AitException E102 when a value does not cast or lies outside min/max
     */
    public static AitParameters resolve(List<MethodParam> parameters, Map<String, String> given) {
        Map<String, MethodParam> declared = new LinkedHashMap<>();
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (MethodParam p : parameters) {
            boolean fromInput = given.containsKey(p.name());
            String value = fromInput ? given.get(p.name()) : p.defaultVal();
            String source = fromInput ? "ait.input.json MethodParams" : "the manifest default_val";
            Object cast;
            try {
                cast = p.type().parse(value);
            } catch (IllegalArgumentException e) {
                throw AitException.invalidInput("parameter '" + p.name() + "' ("
                        + p.type().wireName() + ") has value '" + value + "' from " + source
                        + ", which does not cast: " + e.getMessage() + "; pass "
                        + (p.type() == ValueType.INT ? "an " : "a ")
                        + p.type().wireName() + " value", e);
            }
            checkBounds(p, value, cast, source);
            declared.put(p.name(), p);
            raw.put(p.name(), value);
            values.put(p.name(), cast);
        }
        return new AitParameters(declared, raw, values);
    }

    private static void checkBounds(MethodParam p, String value, Object cast, String source) {
        if (!p.type().isNumeric()) {
            return;
        }
        double v = ((Number) cast).doubleValue();
        if (p.min() != null && v < ((Number) p.type().parse(p.min())).doubleValue()) {
            throw AitException.invalidInput("parameter '" + p.name() + "' (" + p.type().wireName()
                    + ") has value '" + value + "' from " + source + ", below its min '"
                    + p.min() + "'; pass a value in [" + p.min() + ", "
                    + (p.max() == null ? "inf" : p.max()) + "]");
        }
        if (p.max() != null && v > ((Number) p.type().parse(p.max())).doubleValue()) {
            throw AitException.invalidInput("parameter '" + p.name() + "' (" + p.type().wireName()
                    + ") has value '" + value + "' from " + source + ", above its max '"
                    + p.max() + "'; pass a value in [" + (p.min() == null ? "-inf" : p.min())
                    + ", " + p.max() + "]");
        }
    }

    /** Names of all parameters, in manifest order. */
    public List<String> names() {
        return List.copyOf(declared.keySet());
    }

    /** The value as text (as given, or the default). */
    public String raw(String name) {
        param(name, null);
        return raw.get(name);
    }

    /** An {@code int} parameter. */
    public int getInt(String name) {
        long v = getLong(name);
        if (v != (int) v) {
            throw AitException.invalidInput("parameter '" + name + "' value " + v
                    + " does not fit in a Java int; use getLong or a smaller value");
        }
        return (int) v;
    }

    /** An {@code int} parameter as a long. */
    public long getLong(String name) {
        param(name, ValueType.INT);
        return (Long) values.get(name);
    }

    /** A {@code float} parameter ({@code int} parameters are widened). */
    public double getDouble(String name) {
        MethodParam p = param(name, null);
        if (!p.type().isNumeric()) {
            throw wrongType(p, "getDouble", "int or float");
        }
        return ((Number) values.get(name)).doubleValue();
    }

    /** A {@code bool} parameter (strtobool rules). */
    public boolean getBool(String name) {
        param(name, ValueType.BOOL);
        return (Boolean) values.get(name);
    }

    /** Any parameter as its text; for {@code str} parameters, the value. */
    public String getString(String name) {
        return raw(name);
    }

    /** The text split on commas, items stripped, empty items dropped ({@code list[str]}). */
    public List<String> getList(String name) {
        List<String> out = new ArrayList<>();
        for (String item : raw(name).split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return out;
    }

    /** The text split on commas, each item cast to int ({@code list[int]}). */
    public List<Long> getLongList(String name) {
        return castList(name, ValueType.INT).stream().map(Long.class::cast).toList();
    }

    /** The text split on commas, each item cast to float ({@code list[float]}). */
    public List<Double> getDoubleList(String name) {
        return castList(name, ValueType.FLOAT).stream().map(Double.class::cast).toList();
    }

    private List<Object> castList(String name, ValueType itemType) {
        List<Object> out = new ArrayList<>();
        for (String item : getList(name)) {
            try {
                out.add(itemType.parse(item));
            } catch (IllegalArgumentException e) {
                throw AitException.invalidInput("parameter '" + name + "' value '" + raw(name)
                        + "' is not a comma-separated list of " + itemType.wireName() + ": "
                        + e.getMessage() + "; pass e.g. \"1,2,3\"", e);
            }
        }
        return out;
    }

    private MethodParam param(String name, ValueType expected) {
        MethodParam p = declared.get(name);
        if (p == null) {
            throw AitException.invalidDefinition("the AIT asked for parameter '" + name
                    + "', which its manifest does not declare; declared: " + names()
                    + "; declare it in the manifest or fix the name");
        }
        if (expected != null && p.type() != expected) {
            throw wrongType(p, "the accessor for " + expected.wireName(), expected.wireName());
        }
        return p;
    }

    private static AitException wrongType(MethodParam p, String accessor, String wanted) {
        return AitException.invalidDefinition("parameter '" + p.name() + "' is declared "
                + p.type().wireName() + " but the AIT read it with " + accessor + " (needs "
                + wanted + "); use the accessor of its declared type or change the manifest");
    }
}
