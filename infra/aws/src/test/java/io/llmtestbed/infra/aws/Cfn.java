package io.llmtestbed.infra.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** Small readers over synthesized CloudFormation JSON (maps and lists from jsii). */
final class Cfn {

    private Cfn() {
    }

    /** Resources of {@code type} as logical id to resource. */
    static Map<String, Map<String, Object>> resources(Template t, String type) {
        return t.findResources(type);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> resource) {
        Object p = resource.get("Properties");
        return p == null ? Map.of() : (Map<String, Object>) p;
    }

    /** Every resource of {@code type} across the templates. */
    static List<Map<String, Object>> all(Synth.Result r, String type) {
        List<Map<String, Object>> out = new ArrayList<>();
        r.templates().values().forEach(t -> out.addAll(resources(t, type).values()));
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        if (o == null) {
            return List.of();
        }
        return o instanceof List<?> l ? (List<Object>) l : List.of(o);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /**
     * Flattens an {@code Fn::Base64}/{@code Fn::Join} user data value into text; references
     * become {@code <Ref:...>} or {@code <GetAtt:...>} so tests can read the script as written.
     */
    static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> m = map(value);
        if (m.containsKey("Fn::Base64")) {
            return text(m.get("Fn::Base64"));
        }
        if (m.containsKey("Fn::Join")) {
            List<Object> join = list(m.get("Fn::Join"));
            StringBuilder sb = new StringBuilder();
            String sep = (String) join.get(0);
            List<Object> parts = list(join.get(1));
            for (int i = 0; i < parts.size(); i++) {
                sb.append(i == 0 ? "" : sep).append(text(parts.get(i)));
            }
            return sb.toString();
        }
        if (m.containsKey("Ref")) {
            return "<Ref:" + m.get("Ref") + ">";
        }
        if (m.containsKey("Fn::GetAtt")) {
            return "<GetAtt:" + list(m.get("Fn::GetAtt")) + ">";
        }
        if (m.containsKey("Fn::ImportValue")) {
            return "<Import:" + m.get("Fn::ImportValue") + ">";
        }
        return "<" + value + ">";
    }

    /** Fails unless every network interface of the instance declines a public address. */
    static void assertNoPublicIp(Map<String, Object> instance) {
        var p = props(instance);
        org.assertj.core.api.Assertions.assertThat(list(p.get("NetworkInterfaces")))
                .as("network interfaces").isNotEmpty()
                .allSatisfy(n -> org.assertj.core.api.Assertions.assertThat(map(n))
                        .containsEntry("AssociatePublicIpAddress", false));
    }

    /** User data scripts of every EC2 instance in a template. */
    static List<String> userData(Template t) {
        return resources(t, "AWS::EC2::Instance").values().stream()
                .map(r -> text(props(r).get("UserData"))).toList();
    }
}
