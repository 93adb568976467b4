using System.Text.Json.Nodes;

namespace Automation.Rules.Pipeline;

/// An order status: a published workflow whose `customProperties.orderStatus` names it.
public sealed record OrderStatus(string Code, string Name, int Sort, string Semantics, string DefinitionId)
{
    public bool IsFinal => Semantics is "success" or "failure";

    internal static OrderStatus? Read(JsonObject? customProperties, string definitionId)
    {
        if (customProperties?["orderStatus"] is not JsonObject status) return null;
        var code = Text(status["code"]);
        if (string.IsNullOrWhiteSpace(code)) return null;
        var sort = status["sort"] is JsonValue v && v.TryGetValue<int>(out var n) ? n
            : int.TryParse(Text(status["sort"]), System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new OrderStatus(code.Trim(), Text(status["name"]) ?? code, sort, (Text(status["semantics"]) ?? "process").Trim().ToLowerInvariant(), definitionId);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
}

/// Who or what moved an order: a person or the API, a trigger, or one of the order's own rules (InstanceId is the
/// rule's running instance, which the move cancels in place).
public sealed record StatusCause(StatusCauseKind Kind, string? Actor = null, string? InstanceId = null)
{
    public static StatusCause Person(string? actor) => new(StatusCauseKind.Person, actor);
    public static StatusCause Trigger(string triggerType) => new(StatusCauseKind.Trigger, triggerType);
    public static StatusCause Rule(string instanceId, string title) => new(StatusCauseKind.Rule, title, instanceId);

    public override string ToString() => Kind switch
    {
        StatusCauseKind.Rule => $"rule '{Actor}'",
        StatusCauseKind.Trigger => $"trigger {Actor}",
        _ => Actor is null ? "manual change" : $"changed by {Actor}",
    };
}

public enum StatusCauseKind { Person, Trigger, Rule }

/// What entering a status did: Moved, or why not.
public sealed record StatusMove(long OrderId, string? From, string To, bool Moved, string? Reason = null, string? InstanceId = null);

/// Loop guard settings: more than MaxRuleMoves status changes by the order's own rules within Window stop.
public sealed record PipelineOptions
{
    public int MaxRuleMoves { get; init; } = 10;
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);
}
