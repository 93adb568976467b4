using Automation.Channels.Outbox;
using Automation.Channels.Sms;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.Calls;

/// The default provider: writes the call to the log instead of placing it, so the service runs with no account.
public sealed partial class LogCallProvider(ILogger<LogCallProvider> logger) : ICallProvider
{
    public Task<DeliveryResult> CallAsync(CallRequest call, string idempotencyKey, CancellationToken cancellationToken)
    {
        LogCall(logger, PhoneNumbers.Masked(call.To), call.Script.AudioUrl is null ? "text-to-speech" : "audio file", idempotencyKey);
        return Task.FromResult(DeliveryResult.Sent("log:" + idempotencyKey, "logged"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call not placed (log-only provider) to {To}: {Kind}, key {Key}")]
    private static partial void LogCall(ILogger logger, string to, string kind, string key);
}
