using Automation.Channels.Mime;

namespace Automation.Reliability.Tests.Support;

public static class SinkWaits
{
    /// The first message the sink received that matches, waiting up to the patience; null when none came.
    public static async Task<MimeMessage?> WaitForAsync(this MailSink sink, Func<MimeMessage, bool> match, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            if (sink.Received.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(100);
        }
        return null;
    }
}
