namespace Automation.Workflows.Persistence;

/// One version of a workflow definition; the JSON is stored whole so nothing is lost.
public sealed class DefinitionRecord
{
    public required string Id { get; set; }
    public required string DefinitionId { get; set; }
    public int Version { get; set; }
    public string? Name { get; set; }
    public bool IsLatest { get; set; }
    public bool IsPublished { get; set; }
    public required string Json { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// A workflow instance and its durable state.
public sealed class InstanceRecord
{
    public required string Id { get; set; }
    public required string DefinitionId { get; set; }
    public required string DefinitionVersionId { get; set; }
    public int Version { get; set; }
    public string? CorrelationId { get; set; }
    public required string Status { get; set; }
    public required string State { get; set; }
    public int Faults { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// Optimistic concurrency token: every committed step increments it.
    public long Revision { get; set; }
}

public sealed class BookmarkRecord
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Hash { get; set; }
    public required string InstanceId { get; set; }
    public string? CorrelationId { get; set; }
    public required string ActivityId { get; set; }
    public string? Payload { get; set; }
    public DateTimeOffset? ResumeAt { get; set; }
    public string? Data { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// A trigger activity of a published definition, indexed by its stimulus hash.
public sealed class TriggerRecord
{
    public long Id { get; set; }
    public required string DefinitionId { get; set; }
    public required string DefinitionVersionId { get; set; }
    public required string Name { get; set; }
    public required string Hash { get; set; }
    public required string ActivityId { get; set; }
    public string? Payload { get; set; }
}

public sealed class JournalRecord
{
    public long Id { get; set; }
    public required string InstanceId { get; set; }
    public string? CorrelationId { get; set; }
    public required string ActivityId { get; set; }
    public required string ActivityType { get; set; }
    public string? ActivityName { get; set; }
    public required string Event { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public string? Message { get; set; }
    public string? Data { get; set; }
}
