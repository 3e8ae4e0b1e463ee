package io.llmtestbed.ait.sdk.testait;

import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.mlflow.EvalRow;
import io.llmtestbed.ait.sdk.mlflow.EvalTable;
import io.llmtestbed.ait.sdk.mlflow.TableFileRunSource;
import io.llmtestbed.ait.sdk.provenance.RunSources;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test AIT whose inventory only names its data, as a run reference names an MLflow run: the
 * inventory is a text file holding the path of an {@code eval_results_table.json}. The table is
 * read through {@link RunSources#openDigested}, so its digest is in the provenance, and a change
 * of the table leaves the inventory's digest as it was.
 */
public final class TableRefAit implements Ait {

    public static void main(String[] args) {
        AitMain.run(new TableRefAit(), args);
    }

    @Override
    public Manifest manifest() {
        return Manifest.builder()
                .name("eval_test_table_ref_rows")
                .description("rows = rows of the table the reference names")
                .version("0.1")
                .quality("C-1")
                .license("Apache License Version 2.0")
                .inventory("table_ref", InventoryType.DATASET, "path of a table", "txt")
                .measure("rows", ValueType.INT, Structure.SINGLE, "rows of the table")
                .measure("matches", ValueType.INT, Structure.SINGLE, "rows with outputs equal to"
                        + " ground_truth")
                .build();
    }

    @Override
    public void run(AitContext ctx) throws Exception {
        Path table = Path.of(Files.readString(ctx.inventoryFile("table_ref"),
                StandardCharsets.UTF_8).strip());
        long rows = 0;
        long matches = 0;
        try (EvalTable t = RunSources.openDigested(ctx.provenance(),
                new TableFileRunSource(table))) {
            for (EvalRow row : t) {
                rows++;
                if (row.string("outputs").equals(row.string("ground_truth"))) {
                    matches++;
                }
            }
        }
        ctx.measure("rows", rows);
        ctx.measure("matches", matches);
    }

    /** Writes a two-row table and a reference to it under {@code dir}; returns the reference. */
    public static Path writeFixture(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        Path table = Files.writeString(dir.resolve("eval_results_table.json"),
                "{\"columns\": [\"inputs\", \"ground_truth\", \"outputs\"], \"data\": ["
                        + "[\"2+2\", \"4\", \"4\"], [\"capital\", \"東京\", \"大阪\"]]}");
        return Files.writeString(dir.resolve("ref.txt"), table.toString());
    }
}
