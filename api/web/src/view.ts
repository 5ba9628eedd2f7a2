// A View is what the router shows in <main>.
export interface View {
  el: HTMLElement;
  // heading takes the focus when the view replaces another.
  heading: HTMLElement;
  // autofocus, when set, takes the focus on first load instead.
  autofocus?: HTMLElement;
  destroy(): void;
}
