using Automation.Channels.Outbox;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.Sms;

/// The default provider: writes the SMS to the log instead of sending it, so the service runs with no account.
/// The number is masked and the text left out of the log (it may hold a code meant for the client only).
public sealed partial class LogSmsProvider(ILogger<LogSmsProvider> logger) : ISmsProvider
{
    public Task<DeliveryResult> SendAsync(SmsRequest sms, string idempotencyKey, CancellationToken cancellationToken)
    {
        LogSms(logger, PhoneNumbers.Masked(sms.To), sms.Text.Length, idempotencyKey);
        return Task.FromResult(DeliveryResult.Sent("log:" + idempotencyKey, "logged"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS not sent (log-only provider) to {To}: {Length} characters, key {Key}")]
    private static partial void LogSms(ILogger logger, string to, int length, string key);
}
