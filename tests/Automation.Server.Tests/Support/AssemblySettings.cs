// Every test starts a whole service with its own Quartz scheduler; Quartz keeps schedulers in a process-wide
// repository by name, so the services of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
