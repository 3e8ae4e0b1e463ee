package io.llmtestbed.ait.sdk.testait;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbed.ait.sdk.manifest.JsonFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes an {@code ait.input.json} in the platform layout under a temporary root. */
public final class Layout {

    private Layout() {
    }

    /**
     * Writes {@code {root}/mnt/ip/job_args/{job}/{run}/ait.input.json} and returns its directory.
     */
    public static Path writeInput(Path root, int job, int run, Map<String, List<Path>> inventories,
            Map<String, String> params) throws IOException {
        Path mount = root.resolve("mnt");
        ObjectNode in = JsonFormat.MAPPER.createObjectNode();
        in.put("testbed_mount_volume_path", mount.toString());
        in.put("run_id", run);
        in.put("job_id", job);
        ArrayNode invs = in.putArray("Inventories");
        inventories.forEach((name, paths) -> {
            ObjectNode n = invs.addObject().put("Name", name);
            if (paths.size() == 1) {
                n.put("Value", paths.get(0).toString());
            } else {
                ArrayNode v = n.putArray("Value");
                paths.forEach(p -> v.add(p.toString()));
            }
        });
        ArrayNode ps = in.putArray("MethodParams");
        params.forEach((k, v) -> ps.addObject().put("Name", k).put("Value", v));
        Path dir = mount.resolve("ip/job_args/" + job + "/" + run);
        JsonFormat.writeAtomically(in, dir.resolve("ait.input.json"));
        return dir;
    }
}
