using Automation.Channels.Calls;
using Automation.Channels.Providers;

namespace Automation.Channels.Tests.Providers;

public sealed class TwilioStatusCallbackTests
{
    private static readonly Dictionary<string, string> DocumentedForm = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void Signature_of_twilios_documented_example_is_accepted_and_a_tampered_one_is_not()
    {
        const string url = "https://mycompany.com/myapp.php?foo=1&bar=2";

        Assert.True(TwilioStatusCallback.IsSigned(url, DocumentedForm, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.False(TwilioStatusCallback.IsSigned(url, new Dictionary<string, string>(DocumentedForm) { ["Digits"] = "9" }, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.False(TwilioStatusCallback.IsSigned(url, DocumentedForm, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "54321"));
        Assert.False(TwilioStatusCallback.IsSigned(url, DocumentedForm, "not base64!", "12345"));
    }

    [Fact]
    public void Sms_and_call_callbacks_are_read_and_call_statuses_become_results()
    {
        var sms = TwilioStatusCallback.Parse(new Dictionary<string, string> { ["MessageSid"] = "SM1", ["MessageStatus"] = "undelivered", ["ErrorCode"] = "30003" });
        var call = TwilioStatusCallback.Parse(new Dictionary<string, string> { ["CallSid"] = "CA1", ["CallStatus"] = "no-answer" });

        Assert.Equal(new TwilioStatusCallback("SM1", "undelivered", "30003", null), sms);
        Assert.Equal(("CA1", CallResults.NoAnswer), (call!.Sid, CallResults.FromTwilioStatus(call.Status)));
        Assert.Null(TwilioStatusCallback.Parse(new Dictionary<string, string> { ["Body"] = "hi" }));
        Assert.Equal(
            [CallResults.Answered, CallResults.Busy, CallResults.Failed, CallResults.Failed, null],
            new[] { "completed", "busy", "failed", "canceled", "ringing" }.Select(CallResults.FromTwilioStatus));
    }
}
