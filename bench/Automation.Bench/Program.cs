using Automation.Bench;

// Benchmarks of the workflow engine on a SQLite file.
// Usage: Automation.Bench [runs|resume|all] [seconds per level, default 10] [max waiting instances, default 1,000,000]
var mode = args.ElementAtOrDefault(0) ?? "all";
var seconds = int.TryParse(args.ElementAtOrDefault(1), out var s) && s > 0 ? s : 10;
var maxWaiting = int.TryParse(args.ElementAtOrDefault(2), out var m) ? m : 1_000_000;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite file, mode={mode}, {Machine.Load()}");

if (mode is "runs" or "all") await DurableRuns.RunAsync(TimeSpan.FromSeconds(seconds));
if (mode is "resume" or "all") await ResumeLatency.RunAsync(maxWaiting);
