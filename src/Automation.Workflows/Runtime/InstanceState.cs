using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Automation.Workflows.Runtime;

/// The durable state of one workflow instance between steps, stored as JSON with the instance.
public sealed class InstanceState
{
    public Dictionary<string, JsonNode?> Variables { get; init; } = new(StringComparer.Ordinal);

    /// Outputs by activity id, then output name.
    public Dictionary<string, JsonObject> Outputs { get; init; } = new(StringComparer.Ordinal);

    /// Activities scheduled and not yet run (non-empty only when a step was committed mid-way).
    public List<string> Queue { get; init; } = [];

    /// Join bookkeeping by target activity id: which inbound connections were visited and which followed.
    public Dictionary<string, JoinState> Joins { get; init; } = new(StringComparer.Ordinal);

    /// Activities waiting on a bookmark.
    public HashSet<string> Waiting { get; init; } = new(StringComparer.Ordinal);

    /// Per-activity state an activity keeps across its own execute and resume (e.g. a rule's delay phase).
    public Dictionary<string, JsonObject> ActivityState { get; init; } = new(StringComparer.Ordinal);

    public JsonObject? Input { get; set; }

    /// The activity this run started from when a trigger started it (Elsa's `TriggerActivityId`), else null.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TriggerActivityId { get; set; }

    [JsonIgnore]
    public bool IsIdle => Queue.Count == 0 && Waiting.Count == 0;
}

public sealed class JoinState
{
    public List<int> Visited { get; init; } = [];
    public List<int> Followed { get; init; } = [];
    public bool Fired { get; set; }
}

/// Where an instance stands.
public enum WorkflowStatus
{
    /// Created or mid-step: work is scheduled.
    Running,
    /// Waiting for one or more bookmarks.
    Suspended,
    Finished,
    Cancelled,
    Faulted,
}
