/**
 * Records decoded together and then taken through the stages (analyze, the service, the
 * bench). Decoding a batch before detecting keeps each body of code and state busy for a while
 * (record by record alternation cost a fifth of the throughput), but a batch's parsed records
 * and events stay alive until its last event is through, and every young-generation collection
 * that falls inside a batch copies them: with whole 1 MB read chunks (about 550 Tetragon
 * records) the collector took 26% of a CPU profile of the benchmark's pipeline, with 64 records 8%.
 * Batches of 16 to 128 records did equally well, 6% faster than whole chunks
 * (docs/benchmarks.md).
 */
export const BATCH_RECORDS = 64;
