using System.Text.Json.Nodes;
using Automation.Channels;
using Automation.Channels.Calls;
using Automation.Channels.Outbox;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Clients;

/// Automated call: calls the client's phone and speaks a text (text-to-speech with language, voice, speed and volume)
/// or plays an audio file. With "wait for result" the rules after it wait until the provider reports how the call
/// ended; the result (answered, busy, no answer, failed) is then its output.
[Activity("Automation", "AutomatedCall", Category = "Clients", DisplayName = "Automated call", Description = "Calls the order's client.")]
public sealed class AutomatedCall : RuleActivity
{
    [Input(Description = "The origination number; empty = the provider's configured one.")]
    public Input<string> From { get; init; } = new("");

    [Input(Description = "Which of the client's phones: auto (the first one), mobile, work, home or other.",
        Options = ["auto", "mobile", "work", "home", "other"])]
    public Input<string> PhoneType { get; init; } = new("auto");

    [Input(Description = "What text-to-speech says; may use order fields. Leave empty to play an audio file instead.", UIHint = UIHints.MultiLine)]
    public Input<string> Text { get; init; } = new("");

    [Input(Description = "A public .mp3 URL played instead of text.")]
    public Input<string> AudioUrl { get; init; } = new("");

    [Input(Description = "The speech language, e.g. en-US.")] public Input<string> Language { get; init; } = new("en-US");
    [Input(Description = "The provider's voice, e.g. Polly.Joanna; empty = its default.")] public Input<string> Voice { get; init; } = new("");
    [Input(Description = "Speaking rate in percent of normal (20–200).")] public Input<int> Speed { get; init; } = new(100);
    [Input(Description = "Loudness change in dB (−6 to +6).")] public Input<int> Volume { get; init; } = new(0);

    [Input(Description = "The rules after this one wait until the provider reports how the call ended.")]
    public Input<bool> WaitForResult { get; init; } = new(false);

    [Output(Description = "The outbox message's id.")] public Output<long> MessageId { get; init; } = new();
    [Output(Description = "Whether the call was answered (after waiting for the result).")] public Output<bool> Result { get; init; } = new();
    [Output(Description = "answered, busy, no answer or failed (after waiting for the result).")] public Output<string?> ResultText { get; init; } = new();
    [Output(Description = "The provider's own status, e.g. completed or no-answer.")] public Output<string?> ResultCode { get; init; } = new();

    /// The wait key of the call a message stands for: the host raises "call.completed" with it when the call ends.
    public static string WaitKeyOf(string idempotencyKey) => "call:" + idempotencyKey;

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var client = await ClientMessages.ClientAsync(rule);
        if (ClientMessages.PhoneOf(rule, client, rule.Get(PhoneType)) is not { } phone) return;
        var script = new CallPayload
        {
            Text = rule.Get(Text) is { Length: > 0 } text ? text.Trim() : null,
            AudioUrl = rule.Get(AudioUrl) is { Length: > 0 } audio ? audio.Trim() : null,
            Language = rule.Get(Language) is { Length: > 0 } language ? language.Trim() : null,
            Voice = rule.Get(Voice) is { Length: > 0 } voice ? voice.Trim() : null,
            Speed = rule.Get(Speed),
            VolumeDb = rule.Get(Volume),
        };
        var key = ClientMessages.KeyOf(rule, "call");
        try
        {
            var message = CallMessages.Create(key, phone, script, rule.Order.Id, rule.Get(From) is { Length: > 0 } from ? from.Trim() : null);
            var accepted = await rule.Service<MessageOutbox>().EnqueueAsync(ClientMessages.Outbox(rule), message, rule.CancellationToken);
            ClientMessages.Queued(rule, accepted, $"Automated call to {message.Recipient} queued");
            rule.Set(MessageId, accepted.Message.Id);
        }
        catch (ChannelValidationException error)
        {
            ClientMessages.Refused(rule, "call", error);
            return;
        }
        if (rule.Get(WaitForResult)) rule.WaitFor(WaitKeyOf(key));
    }

    protected override ValueTask ResumedAsync(RuleContext rule)
    {
        var data = rule.Activity.ResumeInput as JsonObject;
        var result = data?["result"]?.GetValue<string>();
        rule.Set(Result, result == CallResults.Answered);
        rule.Set(ResultText, result);
        rule.Set(ResultCode, data?["status"]?.GetValue<string>());
        return ValueTask.CompletedTask;
    }
}
