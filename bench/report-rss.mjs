// Preloaded with --import by the benchmark: reports the process's peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`\nmed-export-peak-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
