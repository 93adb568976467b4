using System.Globalization;
using System.Xml.Linq;

namespace Automation.Channels.Calls;

/// The TwiML document Twilio runs for a call: &lt;Say&gt; with SSML prosody for text, &lt;Play&gt; for an audio file.
public static class TwiML
{
    public static string For(CallPayload script)
    {
        XElement action;
        if (!string.IsNullOrWhiteSpace(script.AudioUrl))
        {
            action = new XElement("Play", script.AudioUrl);
        }
        else
        {
            var volume = script.VolumeDb == 0 ? "medium" : script.VolumeDb.ToString("+0;-0", CultureInfo.InvariantCulture) + "dB";
            var prosody = new XElement("prosody", new XAttribute("rate", $"{script.Speed}%"), new XAttribute("volume", volume), script.Text);
            action = new XElement("Say", prosody);
            if (script.Language is { } language) action.SetAttributeValue("language", language);
            if (script.Voice is { } voice) action.SetAttributeValue("voice", voice);
        }
        return new XElement("Response", action).ToString(SaveOptions.DisableFormatting);
    }
}
