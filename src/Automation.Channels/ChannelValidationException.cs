namespace Automation.Channels;

/// Input a caller can get wrong (an empty recipient, an unknown mailbox, a text too long): names the field at fault.
public sealed class ChannelValidationException(string field, string problem) : Exception($"{field} {problem}.")
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
