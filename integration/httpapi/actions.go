package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/inboxkit/inboxkit/integration"
)

func (h *Handler) runAction(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var body ActionRequest
	if err := h.decode(r, "ActionRequest", &body); err != nil {
		return err
	}
	req, err := h.profileRequest(r, a, body.ConversationID)
	if err != nil {
		return err
	}
	res, err := h.svc.RunAction(r.Context(), a, &integration.ActionRequest{
		InboxID: req.InboxID, IntegrationID: r.PathValue("integration_id"), Action: r.PathValue("action"),
		Contact: req.Contact, Conversation: req.Conversation, Agent: req.Agent, Team: req.Team,
		Inputs: body.Inputs, Confirmed: body.Confirmed,
	})
	if ce, ok := errors.AsType[*integration.ConfirmationError](err); ok {
		return &apiError{http.StatusPreconditionRequired, CodeConfirmationRequired, ce.Prompt,
			[]Problem{{Path: "/confirmed", Code: CodeConfirmationRequired, Message: "must be true once the agent has accepted the prompt (the detail)"}}}
	}
	if ve, ok := errors.AsType[*integration.ValidationError](err); ok {
		return invalid("Some of the values entered are invalid.", ve.Problems...)
	}
	if errors.Is(err, integration.ErrNotApplicable) {
		return &apiError{http.StatusUnprocessableEntity, CodeNotApplicable, "The action does not apply to this contact.", nil}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// testProblems places the problems of a test run in the request body: those of the action's
// name and inputs at /action and /inputs/NAME, where the body has them, the others inside the
// integration at /integration.
func testProblems(ps []Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		if p.Path != "/action" && !strings.HasPrefix(p.Path, "/inputs/") {
			p.Path = "/integration" + p.Path
		}
		out[i] = p
	}
	return out
}
