const resp = await fetch("https://api.heygen.com/v3/video-agents", {
  method: "POST",
  headers: {
    "X-Api-Key": process.env.HEYGEN_API_KEY,
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
    prompt: "Create a 45-second explainer about our Q3 product launch.",
    orientation: "landscape",
    files: [
      { type: "url", url: "https://example.com/q3-launch-deck.pdf" },
    ],
  }),
});
const { data } = await resp.json();
const sessionId = data.session_id;
