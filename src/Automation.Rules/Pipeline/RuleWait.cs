using Automation.Workflows.Runtime;

namespace Automation.Rules.Pipeline;

/// A rule waiting for one thing to happen in the store (its task completed, …): the domain raises an inbox event whose
/// data carries the same `waitKey`, and the EventProcessor resumes the rule with the event's data.
public static class RuleWait
{
    public const string TypeName = "Automation.RuleWait";

    /// The wait key of rules waiting for the client's next activity on their order (EventTypes.ClientActivities).
    public const string ClientActivity = "client-activity";

    public static BookmarkRequest Bookmark(string waitKey) => new(TypeName, Payload(waitKey));

    /// A wait that also ends by itself at this moment (a timer bookmark of the same rule).
    public static BookmarkRequest Timeout(string waitKey, DateTimeOffset at) => new(TypeName, Payload(waitKey + ":timeout"), at);

    public static Stimulus Stimulus(string waitKey, long orderId) => new(TypeName, Payload(waitKey), OrderPipeline.OrderIdText(orderId));

    private static object Payload(string waitKey) => new { WaitKey = waitKey };
}
