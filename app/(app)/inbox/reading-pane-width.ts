// From this width on, the inbox has room for the list and a conversation side by side
// (the reading pane); below it a row opens the conversation's own page. The CSS of the
// inbox page uses the same breakpoint (min-[1200px]:).
export const READING_PANE_QUERY = "(min-width: 1200px)";
