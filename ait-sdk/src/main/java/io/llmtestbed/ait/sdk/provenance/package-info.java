/**
 * What produced an AIT's numbers, recorded for every run and written by the SDK as download
 * {@code Provenance} ({@code provenance.json}), and what it is evidence for.
 *
 * <ul>
 *   <li>{@link io.llmtestbed.ait.sdk.provenance.Provenance}: the recorder an AIT reaches with
 *       {@code AitContext.provenance()} (MLflow runs read, table digests, LLMs, search backends,
 *       caches, attributes); also the source of the {@code testbed.provenance.*} MLflow tags.</li>
 *   <li>{@link io.llmtestbed.ait.sdk.provenance.RunRecorder}: the SDK's part (AIT, git commit,
 *       job, input and inventory digests, parameters after defaults, launch, result, measures,
 *       egress summary) and the file format.</li>
 *   <li>{@link io.llmtestbed.ait.sdk.provenance.RunSources}: records a run read and digests its
 *       table while it is read.</li>
 *   <li>{@link io.llmtestbed.ait.sdk.provenance.Digests}: sha256 of files and directory trees.</li>
 *   <li>{@link io.llmtestbed.ait.sdk.provenance.GitCommit}: where the commit comes from.</li>
 *   <li>{@link io.llmtestbed.ait.sdk.provenance.GuidelineEvidence}: the AIQM, AISI and ISO/IEC
 *       25059 entries a run's measures give evidence for, from {@code guideline/mapping.json}.
 *       </li>
 * </ul>
 *
 * <p>Re-running from a provenance file: {@code io.llmtestbed.ait.sdk.runner.Rerun}.
 */
// LIMIT: the mapping GuidelineEvidence reads is the copy of guideline/mapping.json made when the
// SDK jar was built; a measure mapped later is listed as unmapped until the SDK is rebuilt.
// LIMIT: provenance.json is a download of the AIT run; it is not uploaded to the MLflow runs
// written back (they get the testbed.provenance.* tags, which name the job that holds it).
package io.llmtestbed.ait.sdk.provenance;
