namespace Automation.Rules.Pipeline;

/// Durable timers that end the Wait rule's waiting markers at their end (Quartz in the host); scheduled after the
/// step that created the marker commits.
public interface IWaitEndTimers
{
    Task ScheduleAsync(long markerId, DateTimeOffset end, CancellationToken ct);
}
